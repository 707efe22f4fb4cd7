package io.netfence.agent.policy;

import java.util.List;

/**
 * What one cgroup may send and receive. Traffic no rule matches is allowed; {@code deny any}
 * makes a direction deny-by-default.
 *
 * @param audit         count and report would-be denials, block nothing
 * @param packetSockets whether AF_PACKET/AF_XDP sockets may be created (see {@link PacketSockets})
 * @param learn         record every distinct flow of the cgroup in the kernel (learn mode, policy diff)
 * @param egressNames   name rules of egress, beside the prefix rules (see {@link NameRule})
 * @param ingressNames  name rules of ingress
 */
public record Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit, PacketSockets packetSockets,
                     boolean learn, List<NameRule> egressNames, List<NameRule> ingressNames) {

    public Policy {
        egress = RuleList.immutable(egress);
        ingress = RuleList.immutable(ingress);
        java.util.Objects.requireNonNull(packetSockets);
        egressNames = List.copyOf(egressNames);
        ingressNames = List.copyOf(ingressNames);
    }

    public Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit, PacketSockets packetSockets,
                  List<NameRule> egressNames, List<NameRule> ingressNames) {
        this(name, egress, ingress, audit, packetSockets, false, egressNames, ingressNames);
    }

    public Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit, PacketSockets packetSockets,
                  boolean learn) {
        this(name, egress, ingress, audit, packetSockets, learn, List.of(), List.of());
    }

    public Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit, PacketSockets packetSockets) {
        this(name, egress, ingress, audit, packetSockets, false, List.of(), List.of());
    }

    public Policy(String name, List<Rule> egress, List<Rule> ingress, boolean audit) {
        this(name, egress, ingress, audit, PacketSockets.BY_DEFAULT);
    }

    /** Learn mode: the same rules, audited, with every flow recorded. */
    public Policy learning() {
        return new Policy(name, egress, ingress, true, packetSockets, true, egressNames, ingressNames);
    }

    /** The same rules and mode, with every flow recorded as well (the agent's flow history). */
    public Policy recording() {
        return new Policy(name, egress, ingress, audit, packetSockets, true, egressNames, ingressNames);
    }

    /** Whether the policy lets its cgroup create packet and XDP sockets. */
    public boolean allowsPacketSockets() {
        return packetSockets.allowed(egress) && egressNames.stream().allMatch(r -> r.verdict() == Verdict.ALLOW);
    }

    public Policy renamed(String newName) {
        return new Policy(newName, egress, ingress, audit, packetSockets, learn, egressNames, ingressNames);
    }

    /** Whether the policy has name rules, so its cgroup's DNS queries must go through netfence. */
    public boolean hasNames() {
        return !egressNames.isEmpty() || !ingressNames.isEmpty();
    }
}
