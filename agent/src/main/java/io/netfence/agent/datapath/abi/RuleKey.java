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
        encode(out, ruleset, prefix.isIpv4(), prefix.length(), prefix.high(), prefix.low());
    }

    /**
     * The same for a prefix given as address halves (see {@link io.netfence.agent.policy.AddressBits}),
     * host bits already cleared: the form large rulesets are compiled in.
     */
    public static void encode(ByteBuffer out, int ruleset, boolean ipv4, int length, long high, long low) {
        ByteBuffer b = out.order(ByteOrder.nativeOrder());
        b.putInt(Abi.RULE_KEY_FIXED_BITS + length);
        b.putInt(ruleset);
        b.putInt(ipv4 ? Abi.FAMILY_IPV4 : Abi.FAMILY_IPV6);
        AddressBytes.put(b, ipv4, high, low);
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
