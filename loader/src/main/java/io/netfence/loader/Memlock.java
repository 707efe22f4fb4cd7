package io.netfence.loader;

import io.netfence.loader.internal.LibC;

/**
 * Before Linux 5.11 BPF memory (maps, and the cgroup storage each attach allocates) is charged
 * to the user's RLIMIT_MEMLOCK, not to the memory cgroup. libbpf raises the limit only in the
 * process that loads an object; a later process attaching pinned programs would still have the
 * default 64 KiB and fail with ENOMEM once root's locked memory includes the maps. Call this
 * before touching BPF. Best effort: without CAP_SYS_RESOURCE the limit can only rise to its hard
 * limit, and on 5.11+ it does not matter at all; a real shortage still fails with ENOMEM.
 */
public final class Memlock {
    private static final long INFINITY = -1L;
    private static volatile boolean raised;

    private Memlock() {}

    public static void raise() {
        if (raised) {
            return;
        }
        if (LibC.setrlimit(LibC.RLIMIT_MEMLOCK, new long[] {INFINITY, INFINITY}) != 0) {
            long[] current = new long[2];
            if (LibC.getrlimit(LibC.RLIMIT_MEMLOCK, current) == 0) {
                LibC.setrlimit(LibC.RLIMIT_MEMLOCK, new long[] {current[1], current[1]});
            }
        }
        raised = true;
    }
}
