package io.netfence.agent.datapath.abi;

import io.netfence.agent.policy.Verdict;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Mirror of {@code struct nf_rule_value}. */
public final class RuleValue {
    public static final int SIZE = 8;
    public static final int OFFSET_VERDICT = 0;
    public static final int OFFSET_PORTLIST = 4;

    private RuleValue() {}

    public static void encode(ByteBuffer out, Verdict verdict, int portList) {
        ByteBuffer b = out.order(ByteOrder.nativeOrder());
        b.put((byte) Verdicts.abi(verdict)).put((byte) 0).putShort((short) 0).putInt(portList);
    }
}
