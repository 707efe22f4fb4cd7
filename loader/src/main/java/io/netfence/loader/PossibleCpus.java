package io.netfence.loader;

import io.netfence.loader.internal.LibBpf;

/** The number of possible CPUs (not online ones), which sizes per-CPU map values. */
public final class PossibleCpus {
    private static volatile int count;

    private PossibleCpus() {}

    public static int count() {
        int n = count;
        if (n == 0) {
            n = LibBpf.libbpf_num_possible_cpus();
            if (n <= 0) {
                throw new IllegalStateException("cannot read the possible CPUs: " + Errno.describe(-n));
            }
            count = n;
        }
        return n;
    }
}
