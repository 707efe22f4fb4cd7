package io.netfence.agent.daemon;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.DnsSteer;
import io.netfence.agent.datapath.abi.Event;
import io.netfence.agent.datapath.abi.Flow;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lookups the agent's policies refused (or, in audit mode, would have): counted by policy and
 * mode for the metrics, and turned into events the way the kernel makes denial events, at most
 * one a second per cgroup, policy and name, the others counted in the next one's suppressed_before.
 */
final class LookupRefusals {
    private static final long EVENT_INTERVAL_NANOS = 1_000_000_000L;
    private static final int RATE_KEYS = 4096;

    /** A policy and its mode ("enforce" or "audit"). */
    record Key(String policy, String mode) {}

    /** Per policy too: two policies refusing one lookup each get their event. */
    private record RateKey(long cgroupId, int policyId, String name) {}

    private static final class Rate {
        long lastNanos;
        int suppressed;
    }

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final LinkedHashMap<RateKey, Rate> rates = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RateKey, Rate> eldest) {
            return size() > RATE_KEYS;
        }
    };

    /**
     * Counts one refusal; returns the event to publish, or empty when this cgroup had one for the
     * name within the last second.
     */
    Optional<Event> refused(DnsSteer steer, String name, String policy, int policyId, boolean audit, long nowNanos) {
        counts.computeIfAbsent(new Key(policy, audit ? "audit" : "enforce"), k -> new LongAdder()).increment();
        int suppressedBefore;
        synchronized (rates) {
            Rate rate = rates.computeIfAbsent(new RateKey(steer.cgroupId(), policyId, name), k -> new Rate());
            if (rate.lastNanos != 0 && nowNanos - rate.lastNanos < EVENT_INTERVAL_NANOS) {
                rate.suppressed++;
                return Optional.empty();
            }
            rate.lastNanos = nowNanos;
            suppressedBefore = rate.suppressed;
            rate.suppressed = 0;
        }
        InetSocketAddress resolver = steer.resolver();
        Flow asked = new Flow(resolver.getAddress().getAddress(), resolver.getPort(),
                resolver.getAddress().getAddress().length == 4 ? Abi.FAMILY_IPV4 : Abi.FAMILY_IPV6, steer.protocol(), Abi.HOOK_DNS);
        return Optional.of(new Event(nowNanos, steer.cgroupId(), steer.pid(), policyId, suppressedBefore, audit, 0,
                comm(steer.pid()), asked));
    }

    /** Refusals so far by policy and mode. */
    Map<Key, Long> counts() {
        Map<Key, Long> now = new LinkedHashMap<>();
        counts.forEach((k, v) -> now.put(k, v.sum()));
        return now;
    }

    private static String comm(int pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            return ""; // gone already
        }
    }
}
