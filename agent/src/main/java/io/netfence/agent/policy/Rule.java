package io.netfence.agent.policy;

/**
 * One rule: a verdict for a prefix, optionally narrowed to a protocol and to ports (TCP/UDP only).
 * A rule with ports but no protocol applies to TCP and UDP.
 *
 * @param protocol null: any protocol
 * @param ports    null: any port
 */
public record Rule(Verdict verdict, IpPrefix prefix, Protocol protocol, PortRange ports) {

    public Rule {
        if (ports != null && protocol == Protocol.ICMP) {
            throw new IllegalArgumentException("ports apply to tcp and udp only, not icmp");
        }
    }

    /** Matches every packet its prefix covers. */
    public boolean isUnconditional() {
        return protocol == null && ports == null;
    }

    /**
     * Rank among rules of the same prefix: a port beats no port, then a protocol beats none. At a
     * full tie deny wins, which callers apply after this rank.
     */
    public int specificity() {
        return (ports != null ? 2 : 0) + (protocol != null ? 1 : 0);
    }

    /** The rule in the CLI's syntax, e.g. {@code deny [fd00::2]:53/udp}. */
    @Override
    public String toString() {
        return verdict.keyword() + " " + RuleSyntax.format(this);
    }
}
