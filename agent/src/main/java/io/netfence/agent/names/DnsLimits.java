package io.netfence.agent.names;

import java.time.Duration;

/**
 * How long learned addresses last and what the proxy takes on. An address lasts its record's TTL,
 * held between {@code ttlFloor} and {@code ttlCeiling}, plus {@code grace} (programs and caches
 * use an answer a little after its TTL).
 *
 * @param maxInFlight queries being answered at once; more are dropped (the client retries)
 */
public record DnsLimits(Duration grace, Duration ttlFloor, Duration ttlCeiling, Duration upstreamTimeout, int maxInFlight,
                        int workers) {
    public static final int MAX_MESSAGE = 65535;
    public static final DnsLimits DEFAULT = new DnsLimits(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofHours(1),
            Duration.ofSeconds(3), 512, 8);

    public DnsLimits withGrace(Duration newGrace) {
        return new DnsLimits(newGrace, ttlFloor, ttlCeiling, upstreamTimeout, maxInFlight, workers);
    }

    /** When an address answered with this TTL stops counting for new connections, as System.nanoTime() reads. */
    public long expiry(long nowNanos, long ttlSeconds) {
        long held = Math.max(ttlFloor.toSeconds(), Math.min(ttlCeiling.toSeconds(), ttlSeconds));
        return nowNanos + Duration.ofSeconds(held).plus(grace).toNanos();
    }
}
