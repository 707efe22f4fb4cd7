package io.netfence.agent.policy;

import java.util.List;

/**
 * What one cgroup may send and receive. Traffic no rule matches is allowed; {@code deny any}
 * makes a direction deny-by-default.
 *
 * @param audit count and report would-be denials, block nothing
 */
public record Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit) {

    public Policy {
        egress = List.copyOf(egress);
        ingress = List.copyOf(ingress);
    }
}
