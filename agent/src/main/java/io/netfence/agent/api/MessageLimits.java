package io.netfence.agent.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Error messages as people read them: at most {@value #MAX_LINES} lines of at most
 * {@value #MAX_LINE_CHARS} characters, each one line, so a 1 MiB rule cannot make a 1 MiB
 * error in status, log and terminal.
 */
public final class MessageLimits {
    public static final int MAX_LINE_CHARS = 300;
    public static final int MAX_LINES = 20;

    private MessageLimits() {}

    public static List<String> cut(List<String> messages) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < messages.size() && i < MAX_LINES; i++) {
            lines.add(line(messages.get(i)));
        }
        if (messages.size() > MAX_LINES) {
            lines.set(MAX_LINES - 1, "... and " + (messages.size() - MAX_LINES + 1) + " more errors");
        }
        return lines;
    }

    public static String line(String message) {
        String flat = String.valueOf(message).replaceAll("[\\r\\n\\t]+", " ");
        return flat.length() <= MAX_LINE_CHARS ? flat : flat.substring(0, MAX_LINE_CHARS - 30) + "... (" + flat.length() + " characters)";
    }
}
