package io.netfence.agent.datapath.abi;

import io.netfence.agent.policy.IpPrefix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Mirror of {@code struct nf_host_key}: ruleset, family host order; addr network order. */
public final class HostKey {
    public static final int SIZE = 24;
    public static final int OFFSET_RULESET = 0;
    public static final int OFFSET_FAMILY = 4;
    public static final int OFFSET_ADDR = 8;

    private HostKey() {}

    /** Whether a prefix is an exact host, kept in nf_hosts rather than the trie. */
    public static boolean isHost(IpPrefix prefix) {
        return isHost(prefix.isIpv4(), prefix.length());
    }

    /** The same for a prefix given by its family and length. */
    public static boolean isHost(boolean ipv4, int length) {
        return length == (ipv4 ? 32 : 128);
    }

    public static void encode(ByteBuffer out, int ruleset, IpPrefix host) {
        encode(out, ruleset, host.isIpv4(), host.high(), host.low());
    }

    /** The same for a host given as address halves (see {@link io.netfence.agent.policy.AddressBits}). */
    public static void encode(ByteBuffer out, int ruleset, boolean ipv4, long high, long low) {
        ByteBuffer b = out.order(ByteOrder.nativeOrder());
        b.putInt(ruleset);
        b.putInt(ipv4 ? Abi.FAMILY_IPV4 : Abi.FAMILY_IPV6);
        AddressBytes.put(b, ipv4, high, low);
    }

    /** The ruleset a raw key belongs to. */
    public static int ruleset(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt(OFFSET_RULESET);
    }
}
