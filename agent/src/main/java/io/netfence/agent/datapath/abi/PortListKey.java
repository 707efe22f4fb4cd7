package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Mirror of {@code struct nf_portlist_key}. */
public final class PortListKey {
    public static final int SIZE = 8;
    public static final int OFFSET_RULESET = 0;
    public static final int OFFSET_INDEX = 4;

    private PortListKey() {}

    public static byte[] encode(int ruleset, int index) {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder()).putInt(ruleset).putInt(index).array();
    }
}
