package io.netfence.agent.config;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Policy files parsed before, by path and text: every reload and every API change reads every
 * policy file, and a file read again unchanged is not parsed again. Only files that parsed without
 * an error are kept, with the rules they counted against {@link RuleBudget}, and texts of at most
 * {@code maxChars} together, the least recently used going first: no more than one reload holds.
 */
final class ParsedFiles {
    /** A file's policies as parsed, and the rules the parser counted for them. */
    record Parsed(String text, List<PolicySpec> specs, long rules) {}

    private final Map<String, Parsed> byPath = new LinkedHashMap<>(16, 0.75f, true);
    private final long maxChars;
    private long chars;

    ParsedFiles(long maxChars) {
        this.maxChars = maxChars;
    }

    synchronized Optional<Parsed> get(String path, String text) {
        Parsed parsed = byPath.get(path);
        return parsed != null && parsed.text().equals(text) ? Optional.of(parsed) : Optional.empty();
    }

    synchronized void put(String path, String text, List<PolicySpec> specs, long rules) {
        Parsed replaced = byPath.put(path, new Parsed(text, List.copyOf(specs), rules));
        chars += text.length() - (replaced == null ? 0 : replaced.text().length());
        for (Iterator<Parsed> eldest = byPath.values().iterator(); chars > maxChars && eldest.hasNext(); ) {
            chars -= eldest.next().text().length();
            eldest.remove();
        }
    }
}
