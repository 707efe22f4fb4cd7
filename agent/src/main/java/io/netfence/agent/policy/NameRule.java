package io.netfence.agent.policy;

/**
 * A rule for the addresses a name resolves to: {@code allow api.example.test:443/tcp}. Each
 * address the DNS proxy learns from an answer for a matching name counts as a host rule (/32,
 * /128) with this verdict, protocol and ports, until its TTL (plus grace) runs out.
 *
 * @param protocol null: any protocol
 * @param ports    null: any port
 */
public record NameRule(Verdict verdict, NamePattern pattern, Protocol protocol, PortRange ports) {

    public NameRule {
        if (verdict == Verdict.ALLOW_OWN) {
            throw new IllegalArgumentException("a name rule allows or denies");
        }
        if (ports != null && protocol == Protocol.ICMP) {
            throw new IllegalArgumentException("ports apply to tcp and udp only, not icmp");
        }
    }

    public boolean isUnconditional() {
        return protocol == null && ports == null;
    }

    /** The same rule on a host prefix, which is what a learned address of it is. */
    public Rule at(IpPrefix host) {
        return new Rule(verdict, host, protocol, ports);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(verdict.keyword()).append(' ').append(pattern);
        if (ports != null) {
            out.append(':').append(ports);
        }
        if (protocol != null) {
            out.append('/').append(protocol.keyword());
        }
        return out.toString();
    }
}
