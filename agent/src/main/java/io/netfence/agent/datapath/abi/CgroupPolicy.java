package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Mirror of {@code struct nf_cg_policy}: the value of a cgroup's policy storage. */
public record CgroupPolicy(int egressRuleset, int ingressRuleset, int flags, int policyId) {
    public static final int SIZE = 16;
    public static final int OFFSET_EGRESS_RULESET = 0;
    public static final int OFFSET_INGRESS_RULESET = 4;
    public static final int OFFSET_FLAGS = 8;
    public static final int OFFSET_POLICY_ID = 12;

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                .putInt(egressRuleset).putInt(ingressRuleset).putInt(flags).putInt(policyId).array();
    }

    public static CgroupPolicy decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        return new CgroupPolicy(b.getInt(), b.getInt(), b.getInt(), b.getInt());
    }

    public boolean audit() {
        return (flags & Abi.POLICY_AUDIT) != 0;
    }
}
