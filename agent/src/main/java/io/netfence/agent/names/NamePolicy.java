package io.netfence.agent.names;

import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.NameTable;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.Verdict;
import java.util.Optional;

/**
 * One policy's name rules as one attachment applies them.
 *
 * @param scope         nf_cg_policy.scope of the attachment
 * @param denyByDefault the egress rules deny any: a name no name rule speaks of is refused at
 *                      lookup (its addresses could only be reached through an address rule)
 * @param sightings     which of its name patterns the attachment's lookups matched so far
 */
public record NamePolicy(int scope, AppliedPolicy applied, boolean denyByDefault, NameSightings sightings) {

    public NamePolicy(int scope, AppliedPolicy applied, boolean denyByDefault) {
        this(scope, applied, denyByDefault, NameSightings.of(applied.egressNames(), applied.ingressNames()));
    }

    public static NamePolicy of(int scope, Policy policy, AppliedPolicy applied) {
        boolean v4 = false;
        boolean v6 = false;
        for (Rule rule : policy.egress()) {
            if (rule.isUnconditional() && rule.verdict() == Verdict.DENY && rule.prefix().length() == 0) {
                v4 |= rule.prefix().isIpv4();
                v6 |= !rule.prefix().isIpv4();
            }
        }
        return new NamePolicy(scope, applied, v4 && v6);
    }

    /** Whether a lookup of the name is refused: a name rule denies it outright, or none allows it under deny any. */
    public boolean refuses(String name) {
        Optional<NameTable.Entry> entry = applied.egressNames().decide(name);
        if (entry.isEmpty()) {
            return denyByDefault;
        }
        return entry.get().fallback() == Verdict.DENY && entry.get().portList() == 0;
    }

}
