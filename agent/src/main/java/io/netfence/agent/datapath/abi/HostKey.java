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
        return prefix.length() == prefix.address().length * 8;
    }

    public static void encode(ByteBuffer out, int ruleset, IpPrefix host) {
        ByteBuffer b = out.order(ByteOrder.nativeOrder());
        b.putInt(ruleset);
        b.putInt(host.isIpv4() ? Abi.FAMILY_IPV4 : Abi.FAMILY_IPV6);
        byte[] address = host.address();
        b.put(address);
        b.put(new byte[16 - address.length]);
    }

    /** The ruleset a raw key belongs to. */
    public static int ruleset(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt(OFFSET_RULESET);
    }
}
