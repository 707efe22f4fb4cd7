package io.netfence.agent.config;

import java.time.Duration;

/**
 * What the agent remembers of the flows of its policies, for {@code netfence policy diff}:
 * <pre>
 * flow_history:
 *   enabled: false     # record every flow of every agent policy in the kernel (default: off)
 *   max_flows: 65536   # capacity of the kernel's flow map (nf_flows), for the whole host
 *   max_age: 1h        # records not seen for this long are deleted
 * </pre>
 * max_flows sizes nf_flows when the programs and maps are first loaded; maps already pinned keep
 * the capacity they were created with. The map is an LRU preallocated for its capacity: beyond it
 * the least recently seen flows are forgotten first.
 */
public record FlowHistory(boolean enabled, int maxFlows, Duration maxAge) {
    public static final int DEFAULT_MAX_FLOWS = 65536;
    public static final int MIN_MAX_FLOWS = 1024;
    public static final int MAX_MAX_FLOWS = 4_194_304;
    public static final Duration MIN_MAX_AGE = Duration.ofSeconds(1);
    public static final Duration MAX_MAX_AGE = Duration.ofDays(30);
    public static final FlowHistory OFF = new FlowHistory(false, DEFAULT_MAX_FLOWS, Duration.ofHours(1));

    public FlowHistory {
        if (maxFlows < MIN_MAX_FLOWS || maxFlows > MAX_MAX_FLOWS) {
            throw new IllegalArgumentException("'max_flows' is a count from " + MIN_MAX_FLOWS + " to " + MAX_MAX_FLOWS + ", not "
                    + maxFlows);
        }
        if (maxAge.compareTo(MIN_MAX_AGE) < 0 || maxAge.compareTo(MAX_MAX_AGE) > 0) {
            throw new IllegalArgumentException("'max_age' is from " + DurationText.format(MIN_MAX_AGE) + " to "
                    + DurationText.format(MAX_MAX_AGE) + ", not " + DurationText.format(maxAge));
        }
    }
}
