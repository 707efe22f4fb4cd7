package io.netfence.agent.daemon.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps counters monotonic although the kernel's live in cgroup storage, which vanishes with the
 * cgroup (or restarts from zero when the cgroup is confined again): what a cgroup counted before
 * it went is carried in a retired total per label set.
 */
final class CounterTotals<K> {
    private final Map<Long, Map<K, Long>> lastSeen = new HashMap<>();
    private final Map<K, Long> retired = new HashMap<>();

    /**
     * @param current cgroup id → (series → value) as read now
     * @return series → monotonic total
     */
    synchronized Map<K, Long> totals(Map<Long, Map<K, Long>> current) {
        for (Map.Entry<Long, Map<K, Long>> before : lastSeen.entrySet()) {
            Map<K, Long> now = current.get(before.getKey());
            for (Map.Entry<K, Long> value : before.getValue().entrySet()) {
                long nowValue = now == null ? 0 : now.getOrDefault(value.getKey(), 0L);
                if (nowValue < value.getValue()) {
                    retired.merge(value.getKey(), value.getValue(), Long::sum); // gone or reset
                }
            }
        }
        lastSeen.clear();
        lastSeen.putAll(current);
        Map<K, Long> totals = new HashMap<>(retired);
        current.values().forEach(m -> m.forEach((k, v) -> totals.merge(k, v, Long::sum)));
        return totals;
    }
}
