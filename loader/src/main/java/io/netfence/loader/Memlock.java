package io.netfence.loader;

import com.sun.jna.Native;
import io.netfence.loader.internal.LibC;

/**
 * Before Linux 5.11 BPF memory (maps, and the cgroup storage each attach allocates) is charged
 * to the user's RLIMIT_MEMLOCK, not to the memory cgroup. libbpf raises the limit only in the
 * process that loads an object; a later process attaching pinned programs would still have the
 * default 64 KiB and fail with ENOMEM once root's locked memory includes the maps. Call this
 * before touching BPF; on newer kernels it changes nothing that matters.
 */
public final class Memlock {
    private static final long INFINITY = -1L;
    private static volatile boolean raised;

    private Memlock() {}

    public static void raise() throws BpfException {
        if (raised) {
            return;
        }
        if (LibC.setrlimit(LibC.RLIMIT_MEMLOCK, new long[] {INFINITY, INFINITY}) != 0) {
            throw new BpfException("raise RLIMIT_MEMLOCK", Native.getLastError());
        }
        raised = true;
    }
}
