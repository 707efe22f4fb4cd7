package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.RulesetInfo;
import io.netfence.agent.host.LivePids;
import java.util.Set;

/**
 * Who wrote a ruleset, as nf_rulesets records it: the cgroup a CLI command confines (its
 * rulesets are its own), or an agent process (its rulesets are shared by every cgroup a policy
 * targets). An owner that is gone holds nothing: its unreferenced rulesets are garbage.
 */
public record RulesetOwner(long encoded) {

    public static RulesetOwner cgroup(long cgroupId) {
        if ((cgroupId & RulesetInfo.AGENT_OWNER) != 0) {
            throw new IllegalArgumentException("cgroup id " + cgroupId + " collides with the agent owner bit");
        }
        return new RulesetOwner(cgroupId);
    }

    public static RulesetOwner agent(long pid) {
        return new RulesetOwner(RulesetInfo.AGENT_OWNER | pid);
    }

    public boolean isAgent() {
        return (encoded & RulesetInfo.AGENT_OWNER) != 0;
    }

    /** Whether the owner still holds its rulesets: the agent process lives, or the cgroup is attached. */
    boolean holds(Set<Long> attachedCgroups) {
        return isAgent() ? LivePids.isAlive(encoded & ~RulesetInfo.AGENT_OWNER) : attachedCgroups.contains(encoded);
    }
}
