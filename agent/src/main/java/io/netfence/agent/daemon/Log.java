package io.netfence.agent.daemon;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The agent's log: one line per event on stderr, which journald (or the terminal) keeps. */
public final class Log {
    private Log() {}

    public static void info(String message) {
        write("INFO", message);
    }

    public static void error(String message) {
        write("ERROR", message);
    }

    private static synchronized void write(String level, String message) {
        System.err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + level + " " + message);
    }
}
