package io.netfence.agent.policy;

/**
 * What a rule does to what it matches. ALLOW_OWN is written {@code allow own-loopback}: loopback
 * destinations are allowed only where the socket at the other end was created under the same
 * confinement (the command's own processes, the service's own). At a tie of equal prefixes DENY
 * beats every allow, and a plain ALLOW beats ALLOW_OWN (allows add up).
 */
public enum Verdict {
    ALLOW, DENY, ALLOW_OWN;

    public String keyword() {
        return this == DENY ? "deny" : "allow";
    }

    /** The verdict of two unconditional rules of the same prefix. */
    public static Verdict atTie(Verdict a, Verdict b) {
        if (a == DENY || b == DENY) {
            return DENY;
        }
        return a == ALLOW || b == ALLOW ? ALLOW : ALLOW_OWN;
    }
}
