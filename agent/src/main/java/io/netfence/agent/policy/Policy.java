package io.netfence.agent.policy;

import java.util.List;

/**
 * What one cgroup may send and receive. Traffic no rule matches is allowed; {@code deny any}
 * makes a direction deny-by-default.
 *
 * @param audit         count and report would-be denials, block nothing
 * @param packetSockets whether AF_PACKET/AF_XDP sockets may be created (see {@link PacketSockets})
 * @param learn         record every distinct flow of the cgroup in the kernel (learn mode, policy diff)
 */
public record Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit, PacketSockets packetSockets,
                     boolean learn) {

    public Policy {
        egress = List.copyOf(egress);
        ingress = List.copyOf(ingress);
        java.util.Objects.requireNonNull(packetSockets);
    }

    public Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit, PacketSockets packetSockets) {
        this(name, egress, ingress, audit, packetSockets, false);
    }

    public Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit) {
        this(name, egress, ingress, audit, PacketSockets.BY_DEFAULT);
    }

    /** Learn mode: the same rules, audited, with every flow recorded. */
    public Policy learning() {
        return new Policy(name, egress, ingress, true, packetSockets, true);
    }

    /** Whether the policy lets its cgroup create packet and XDP sockets. */
    public boolean allowsPacketSockets() {
        return packetSockets.allowed(egress);
    }

    public Policy renamed(String newName) {
        return new Policy(newName, egress, ingress, audit, packetSockets, learn);
    }
}
