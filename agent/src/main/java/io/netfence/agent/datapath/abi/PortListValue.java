package io.netfence.agent.datapath.abi;

import io.netfence.agent.policy.Verdict;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Mirror of {@code struct nf_portlist} and its {@code struct nf_port_rule}s (8 bytes each). */
public final class PortListValue {
    public static final int SIZE = 264;
    public static final int OFFSET_COUNT = 0;
    public static final int OFFSET_RULES = 8;
    public static final int PORT_RULE_SIZE = 8;
    public static final int PORT_RULE_OFFSET_PORT_LO = 0;
    public static final int PORT_RULE_OFFSET_PORT_HI = 2;
    public static final int PORT_RULE_OFFSET_PROTOS = 4;
    public static final int PORT_RULE_OFFSET_VERDICT = 5;

    private PortListValue() {}

    /** One {@code struct nf_port_rule}; {@code protocolBits} are NF_PROTO_* bits. */
    public record Rule(int portFrom, int portTo, int protocolBits, Verdict verdict) {}

    public static byte[] encode(List<Rule> rules) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putInt(rules.size()).putInt(0);
        for (Rule rule : rules) {
            b.putShort((short) rule.portFrom()).putShort((short) rule.portTo());
            b.put((byte) rule.protocolBits()).put((byte) Verdicts.abi(rule.verdict())).putShort((short) 0);
        }
        return b.array();
    }
}
