package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.PolicySlot;
import java.util.List;
import java.util.Set;

/** A policy whose rulesets are in the kernel, ready to be pointed at by any number of cgroups. */
public record AppliedPolicy(String name, int policyId, int egressRuleset, int ingressRuleset, boolean audit,
                            boolean packetSockets, boolean learn) {

    /** A policy already in the kernel, taken by its slot (its rulesets stay their owner's). */
    public static AppliedPolicy of(PolicySlot slot, String name) {
        return new AppliedPolicy(name, slot.policyId(), slot.egressRuleset(), slot.ingressRuleset(), slot.audit(),
                (slot.flags() & Abi.POLICY_PACKET_SOCKETS) != 0, slot.learn());
    }

    public PolicySlot slot() {
        return new PolicySlot(egressRuleset, ingressRuleset, policyId,
                (audit ? Abi.POLICY_AUDIT : 0) | (packetSockets ? Abi.POLICY_PACKET_SOCKETS : 0) | (learn ? Abi.POLICY_LEARN : 0));
    }

    public Set<Integer> rulesets() {
        return Set.copyOf(List.of(egressRuleset, ingressRuleset)); // the deny-all slot's are both 0
    }
}
