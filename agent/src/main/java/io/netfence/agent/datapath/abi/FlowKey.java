package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Mirror of {@code struct nf_flow_key}: one distinct flow a learning attachment recorded.
 * {@code port} is the remote port on egress and the local one on ingress; with
 * {@link Abi#FLOW_EPHEMERAL} it is 0 and stands for every port from {@link Abi#FLOW_EPHEMERAL_MIN}.
 */
public record FlowKey(int scope, int policyId, byte[] address, int port, int family, int protocol, int direction,
                      int flags) {
    public static final int SIZE = 32;
    public static final int OFFSET_SCOPE = 0;
    public static final int OFFSET_POLICY_ID = 4;
    public static final int OFFSET_ADDR = 8;
    public static final int OFFSET_PORT = 24;
    public static final int OFFSET_FAMILY = 26;
    public static final int OFFSET_PROTOCOL = 27;
    public static final int OFFSET_DIRECTION = 28;
    public static final int OFFSET_FLAGS = 29;

    public static FlowKey decode(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
        int scope = b.getInt();
        int policyId = b.getInt();
        byte[] raw = new byte[16];
        b.get(raw);
        int port = Short.toUnsignedInt(b.getShort());
        int family = Byte.toUnsignedInt(b.get());
        byte[] address = family == Abi.FAMILY_IPV4 ? Arrays.copyOf(raw, 4) : raw;
        return new FlowKey(scope, policyId, address, port, family, Byte.toUnsignedInt(b.get()), Byte.toUnsignedInt(b.get()),
                Byte.toUnsignedInt(b.get()));
    }

    public boolean ephemeral() {
        return (flags & Abi.FLOW_EPHEMERAL) != 0;
    }

    public boolean own() {
        return (flags & Abi.FLOW_OWN) != 0;
    }
}
