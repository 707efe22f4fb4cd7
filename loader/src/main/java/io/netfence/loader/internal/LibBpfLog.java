package io.netfence.loader.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes libbpf's print callback into a buffer, so that a failed load can carry the verifier's
 * words in its exception instead of spraying them on stderr. Internal usage only!
 */
public final class LibBpfLog {
    private static final int LINE_MAX = 4096;
    private static final int LINES_KEPT = 400;
    private static final List<String> lines = new ArrayList<>();
    /** Held in a static field: native code keeps calling it, so it must never be collected. */
    private static final LibBpf.PrintCallback CALLBACK = LibBpfLog::print;
    private static boolean installed;

    private LibBpfLog() {}

    public static synchronized void install() {
        if (!installed) {
            LibBpf.libbpf_set_print(CALLBACK);
            installed = true;
        }
    }

    /** Lines printed since the last call, oldest first. */
    public static synchronized List<String> drain() {
        List<String> copy = new ArrayList<>(lines);
        lines.clear();
        return copy;
    }

    private static int print(int level, String format, com.sun.jna.Pointer vaList) {
        byte[] buffer = new byte[LINE_MAX];
        int n = LibC.vsnprintf(buffer, buffer.length, format, vaList);
        String text = new String(buffer, 0, Math.max(0, Math.min(n, LINE_MAX - 1)), StandardCharsets.UTF_8);
        synchronized (LibBpfLog.class) {
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            while (lines.size() > LINES_KEPT) {
                lines.remove(0);
            }
        }
        return 0;
    }
}
