package io.netfence.agent.daemon;

import io.netfence.agent.config.PolicyLimits;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The agent's log: one line per event on stderr, which journald (or the terminal) keeps. */
public final class Log {
    private Log() {}

    public static void info(String message) {
        write("INFO", message);
    }

    /** Cut to a readable length: an error may quote input, and input may be a 1 MiB line. */
    public static void error(String message) {
        write("ERROR", PolicyLimits.cut(String.valueOf(message).replaceAll("[\\r\\n]+", " ")));
    }

    private static synchronized void write(String level, String message) {
        System.err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + level + " " + message);
    }
}
