package io.netfence.agent.datapath.abi;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Mirror of {@code struct nf_learned_key}: scope, ruleset, family host order; addr network order. */
public final class LearnedKey {
    public static final int SIZE = 28;
    public static final int OFFSET_SCOPE = 0;
    public static final int OFFSET_RULESET = 4;
    public static final int OFFSET_FAMILY = 8;
    public static final int OFFSET_ADDR = 12;

    private LearnedKey() {}

    public static byte[] encode(int scope, int ruleset, InetAddress address) {
        byte[] raw = address.getAddress();
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putInt(scope).putInt(ruleset).putInt(raw.length == 4 ? Abi.FAMILY_IPV4 : Abi.FAMILY_IPV6);
        b.put(raw);
        return b.array();
    }
}
