package io.netfence.agent.policy;

import java.util.List;

/**
 * What one cgroup may send and receive. Traffic no rule matches is allowed; {@code deny any}
 * makes a direction deny-by-default.
 *
 * @param audit         count and report would-be denials, block nothing
 * @param packetSockets whether AF_PACKET/AF_XDP sockets may be created (see {@link PacketSockets})
 */
public record Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit, PacketSockets packetSockets) {

    public Policy {
        egress = List.copyOf(egress);
        ingress = List.copyOf(ingress);
        java.util.Objects.requireNonNull(packetSockets);
    }

    public Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit) {
        this(name, egress, ingress, audit, PacketSockets.BY_DEFAULT);
    }

    /** Whether the policy lets its cgroup create packet and XDP sockets. */
    public boolean allowsPacketSockets() {
        return packetSockets.allowed(egress);
    }

    public Policy renamed(String newName) {
        return new Policy(newName, egress, ingress, audit, packetSockets);
    }
}
