package io.netfence.agent.datapath.abi;

import io.netfence.agent.policy.IpPrefix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Mirror of {@code struct nf_rule_key}: prefixlen, ruleset, family host order; addr network order. */
public final class RuleKey {
    public static final int SIZE = 28;
    public static final int OFFSET_PREFIXLEN = 0;
    public static final int OFFSET_RULESET = 4;
    public static final int OFFSET_FAMILY = 8;
    public static final int OFFSET_ADDR = 12;

    private RuleKey() {}

    public static void encode(ByteBuffer out, int ruleset, IpPrefix prefix) {
        ByteBuffer b = out.order(ByteOrder.nativeOrder());
        b.putInt(Abi.RULE_KEY_FIXED_BITS + prefix.length());
        b.putInt(ruleset);
        b.putInt(prefix.isIpv4() ? Abi.FAMILY_IPV4 : Abi.FAMILY_IPV6);
        byte[] address = prefix.address();
        b.put(address);
        b.put(new byte[16 - address.length]);
    }

    public static byte[] encode(int ruleset, IpPrefix prefix) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        encode(b, ruleset, prefix);
        return b.array();
    }

    /** The ruleset a raw key belongs to. */
    public static int ruleset(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt(OFFSET_RULESET);
    }
}
