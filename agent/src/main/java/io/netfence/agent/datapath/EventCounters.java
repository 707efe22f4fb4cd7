package io.netfence.agent.datapath;

/**
 * What became of the denial events the programs raised, host-wide.
 *
 * @param suppressed held back by the rate limit (a later event counts them)
 * @param lost       dropped because the ring was full
 */
public record EventCounters(long sent, long suppressed, long lost) {
    public static final EventCounters NONE = new EventCounters(0, 0, 0);
}
