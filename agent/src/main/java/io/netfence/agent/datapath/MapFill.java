package io.netfence.agent.datapath;

/** How full the rule maps are: entries in use and capacity, for nf_rules and nf_portlists. */
public record MapFill(long ruleEntries, long ruleCapacity, long portLists, long portListCapacity) {
    public static final MapFill NOTHING_LOADED = new MapFill(0, 0, 0, 0);
}
