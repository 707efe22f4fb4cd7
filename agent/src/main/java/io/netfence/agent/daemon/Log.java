package io.netfence.agent.daemon;

import io.netfence.agent.config.PolicyLimits;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The agent's log: one line per event on stderr, which journald (or the terminal) keeps. Under
 * systemd (JOURNAL_STREAM set) each line starts with its syslog priority, {@code <3>} for errors,
 * {@code <4>} for warnings (a setting that cannot take effect yet) and {@code <6>} for information,
 * which journald strips and records, so {@code journalctl -p err} works.
 */
public final class Log {
    private static final boolean JOURNAL = System.getenv("JOURNAL_STREAM") != null;

    private Log() {}

    public static void info(String message) {
        write(6, "INFO", message);
    }

    public static void warn(String message) {
        write(4, "WARN", message);
    }

    /** Cut to a readable length: an error may quote input, and input may be a 1 MiB line. */
    public static void error(String message) {
        write(3, "ERROR", PolicyLimits.cut(String.valueOf(message).replaceAll("[\\r\\n]+", " ")));
    }

    private static synchronized void write(int priority, String level, String message) {
        String prefix = JOURNAL ? "<" + priority + ">" : "";
        System.err.println(prefix + Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + level + " " + message);
    }
}
