package io.netfence.agent.daemon.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps counters monotonic although the kernel's live in cgroup storage, which vanishes with the
 * cgroup (or restarts from zero when the cgroup is confined again): what a cgroup counted before
 * it went is carried in a retired total per label set.
 */
final class CounterTotals {
    private final Map<Long, Map<String, Long>> lastSeen = new HashMap<>();
    private final Map<String, Long> retired = new HashMap<>();

    /**
     * @param current cgroup id → (label key → value) as read now
     * @return label key → monotonic total
     */
    synchronized Map<String, Long> totals(Map<Long, Map<String, Long>> current) {
        for (Map.Entry<Long, Map<String, Long>> before : lastSeen.entrySet()) {
            Map<String, Long> now = current.get(before.getKey());
            for (Map.Entry<String, Long> value : before.getValue().entrySet()) {
                long nowValue = now == null ? 0 : now.getOrDefault(value.getKey(), 0L);
                if (nowValue < value.getValue()) {
                    retired.merge(value.getKey(), value.getValue(), Long::sum); // gone or reset
                }
            }
        }
        lastSeen.clear();
        lastSeen.putAll(current);
        Map<String, Long> totals = new HashMap<>(retired);
        current.values().forEach(m -> m.forEach((k, v) -> totals.merge(k, v, Long::sum)));
        return totals;
    }
}
