package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;

/** Mirror of {@code struct nf_policy_slot}: one policy applied to a cgroup. */
public record PolicySlot(int egressRuleset, int ingressRuleset, int policyId, int flags) {
    public static final int SIZE = 16;
    public static final int OFFSET_EGRESS_RULESET = 0;
    public static final int OFFSET_INGRESS_RULESET = 4;
    public static final int OFFSET_POLICY_ID = 8;
    public static final int OFFSET_FLAGS = 12;

    void encode(ByteBuffer out) {
        out.putInt(egressRuleset).putInt(ingressRuleset).putInt(policyId).putInt(flags);
    }

    static PolicySlot decode(ByteBuffer in) {
        return new PolicySlot(in.getInt(), in.getInt(), in.getInt(), in.getInt());
    }

    public boolean audit() {
        return (flags & Abi.POLICY_AUDIT) != 0;
    }

    public boolean learn() {
        return (flags & Abi.POLICY_LEARN) != 0;
    }
}
