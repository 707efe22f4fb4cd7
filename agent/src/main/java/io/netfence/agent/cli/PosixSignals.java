package io.netfence.agent.cli;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/** kill(2), which ProcessHandle lacks for signals other than TERM and KILL. */
final class PosixSignals {
    static {
        Native.register(PosixSignals.class, NativeLibrary.getInstance("c"));
    }

    private PosixSignals() {}

    static native int kill(int pid, int signal);
}
