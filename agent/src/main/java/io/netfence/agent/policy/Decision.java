package io.netfence.agent.policy;

import java.util.List;

/**
 * The documented decision for one flow, read directly off the rules: the most specific matching
 * rule decides (the longer prefix; at equal prefix a rule with a port beats one without, then one
 * with a protocol beats one without); at a full tie deny wins, then a plain allow beats
 * own-loopback's; no rule matches: allowed. This is the meaning {@code PolicyCompiler} must keep
 * (its tests compare the two), and what {@code policy diff} judges recorded flows by.
 */
public final class Decision {
    private Decision() {}

    /**
     * One flow as a rule sees it.
     *
     * @param address  the remote address, 4 or 16 bytes, network order
     * @param protocol null for a protocol no rule can name (only rules without protocol and ports match it)
     * @param port     the remote port on egress, the local one on ingress; 0 for none
     * @param own      loopback to a socket of the same confinement, which own-loopback allows
     */
    public record Traffic(byte[] address, Protocol protocol, int port, boolean own) {}

    /** ALLOW or DENY (never ALLOW_OWN: it is resolved by {@code own}). */
    public static Verdict of(List<Rule> rules, Traffic traffic) {
        Rule best = null;
        Verdict verdict = null;
        for (Rule rule : rules) {
            if (!matches(rule, traffic)) {
                continue;
            }
            int order = best == null ? 1 : compareSpecificity(rule, best);
            if (order > 0) {
                best = rule;
                verdict = rule.verdict();
            } else if (order == 0) {
                verdict = Verdict.atTie(verdict, rule.verdict());
            }
        }
        if (verdict == null) {
            return Verdict.ALLOW;
        }
        if (verdict == Verdict.ALLOW_OWN) {
            return traffic.own() ? Verdict.ALLOW : Verdict.DENY;
        }
        return verdict;
    }

    /** Longer prefix first, then a port, then a protocol. */
    private static int compareSpecificity(Rule a, Rule b) {
        int byPrefix = Integer.compare(a.prefix().length(), b.prefix().length());
        if (byPrefix != 0) {
            return byPrefix;
        }
        return Integer.compare(a.specificity(), b.specificity());
    }

    private static boolean matches(Rule rule, Traffic traffic) {
        if (!rule.prefix().contains(traffic.address())) {
            return false;
        }
        if (rule.protocol() != null && rule.protocol() != traffic.protocol()) {
            return false;
        }
        if (rule.ports() != null) {
            boolean hasPorts = traffic.protocol() == Protocol.TCP || traffic.protocol() == Protocol.UDP;
            return hasPorts && rule.ports().contains(traffic.port());
        }
        return true;
    }
}
