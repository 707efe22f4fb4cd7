package io.netfence.agent.cli;

import sun.misc.Signal;

/**
 * Signal handling. sun.misc.Signal is the JDK's only way to act on SIGTERM, SIGHUP or SIGINT
 * without starting a shutdown, so it is used here and nowhere else.
 */
final class SignalHandlers {
    private SignalHandlers() {}

    static void on(String name, Runnable handler) {
        Signal.handle(new Signal(name), signal -> handler.run());
    }

    /** Passes the signal on to another process. */
    static void forward(String name, long pid) {
        Signal.handle(new Signal(name), signal -> PosixSignals.kill((int) pid, signal.getNumber()));
    }
}
