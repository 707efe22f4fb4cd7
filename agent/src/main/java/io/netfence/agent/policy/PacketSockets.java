package io.netfence.agent.policy;

import java.util.List;

/**
 * Whether a policy lets its cgroup create AF_PACKET and AF_XDP sockets, which send and receive
 * around every per-packet check. Written as the rule {@code allow packet-sockets} or
 * {@code deny packet-sockets} (egress only); by default only a policy whose egress allows
 * everything lets them be created.
 */
public enum PacketSockets {
    BY_DEFAULT, ALLOWED, DENIED;

    public static final String KEYWORD = "packet-sockets";

    /** Whether {@code rule} (the text after allow or deny) is this keyword. */
    public static boolean isKeyword(String rule) {
        return rule.strip().equals(KEYWORD);
    }

    public static PacketSockets of(Verdict verdict) {
        return verdict == Verdict.DENY ? DENIED : ALLOWED;
    }

    /** Whether the policy with these egress rules lets packet sockets be created. */
    public boolean allowed(List<Rule> egress) {
        return switch (this) {
            case ALLOWED -> true;
            case DENIED -> false;
            case BY_DEFAULT -> egress.stream().allMatch(r -> r.verdict() == Verdict.ALLOW);
        };
    }

    /** The rule that says this, or null for the default. */
    public String ruleText() {
        return switch (this) {
            case ALLOWED -> "allow " + KEYWORD;
            case DENIED -> "deny " + KEYWORD;
            case BY_DEFAULT -> null;
        };
    }
}
