package io.netfence.agent.daemon.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Denials per destination since the agent started, bounded: past {@link #TRACKED} destinations
 * the least denied half is forgotten (a heavy hitter keeps its count). Exposed as the top
 * {@code k}, so metrics never carry a label per destination.
 */
public final class TopDestinations {
    static final int TRACKED = 10_000;
    private final Map<String, long[]> counts = new HashMap<>();

    public record Entry(String destination, String policy, long denials) {}

    public synchronized void add(String destination, String policy, long denials) {
        counts.computeIfAbsent(destination + "\u0000" + policy, k -> new long[1])[0] += denials;
        if (counts.size() > TRACKED) {
            List<Map.Entry<String, long[]>> sorted = new ArrayList<>(counts.entrySet());
            sorted.sort(Comparator.comparingLong(e -> e.getValue()[0]));
            sorted.subList(0, sorted.size() / 2).forEach(e -> counts.remove(e.getKey()));
        }
    }

    public synchronized List<Entry> top(int k) {
        return counts.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed())
                .limit(k)
                .map(e -> {
                    String[] parts = e.getKey().split("\u0000", 2);
                    return new Entry(parts[0], parts[1], e.getValue()[0]);
                })
                .toList();
    }
}
