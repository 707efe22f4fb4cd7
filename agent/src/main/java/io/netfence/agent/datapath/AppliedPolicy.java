package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.PolicySlot;
import java.util.List;
import java.util.Set;

/**
 * A policy whose rulesets are in the kernel, ready to be pointed at by any number of cgroups,
 * with the name rules the DNS proxy applies for it.
 */
public record AppliedPolicy(String name, int policyId, int egressRuleset, int ingressRuleset, boolean audit,
                            boolean packetSockets, boolean learn, NameTable egressNames, NameTable ingressNames) {

    public AppliedPolicy(String name, int policyId, int egressRuleset, int ingressRuleset, boolean audit, boolean packetSockets) {
        this(name, policyId, egressRuleset, ingressRuleset, audit, packetSockets, false, NameTable.EMPTY, NameTable.EMPTY);
    }

    public AppliedPolicy(String name, int policyId, int egressRuleset, int ingressRuleset, boolean audit, boolean packetSockets,
                         boolean learn) {
        this(name, policyId, egressRuleset, ingressRuleset, audit, packetSockets, learn, NameTable.EMPTY, NameTable.EMPTY);
    }

    public AppliedPolicy(String name, int policyId, int egressRuleset, int ingressRuleset, boolean audit, boolean packetSockets,
                         NameTable egressNames, NameTable ingressNames) {
        this(name, policyId, egressRuleset, ingressRuleset, audit, packetSockets, false, egressNames, ingressNames);
    }

    /**
     * A policy already in the kernel, taken by its slot (its rulesets stay their owner's). Its name
     * tables stay with the DNS proxy of its owner: the slot carries no NF_POLICY_NAMES_* here, so the
     * inherited slot judges by its nf_rules alone (the covering wildcard rules of its name rules).
     */
    public static AppliedPolicy of(PolicySlot slot, String name) {
        return new AppliedPolicy(name, slot.policyId(), slot.egressRuleset(), slot.ingressRuleset(), slot.audit(),
                (slot.flags() & Abi.POLICY_PACKET_SOCKETS) != 0, slot.learn());
    }

    public PolicySlot slot() {
        return new PolicySlot(egressRuleset, ingressRuleset, policyId,
                (audit ? Abi.POLICY_AUDIT : 0) | (packetSockets ? Abi.POLICY_PACKET_SOCKETS : 0) | (learn ? Abi.POLICY_LEARN : 0)
                        | (egressNames.isEmpty() ? 0 : Abi.POLICY_NAMES_EGRESS)
                        | (ingressNames.isEmpty() ? 0 : Abi.POLICY_NAMES_INGRESS));
    }

    public boolean hasNames() {
        return !egressNames.isEmpty() || !ingressNames.isEmpty();
    }

    public Set<Integer> rulesets() {
        return Set.copyOf(List.of(egressRuleset, ingressRuleset)); // the deny-all slot's are both 0
    }
}
