package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Mirror of {@code struct nf_meta}: which build of the programs is pinned. */
public record Meta(int abiVersion, byte[] objectSha256) {
    public static final int SIZE = 40;
    public static final int OFFSET_ABI_VERSION = 0;
    public static final int OFFSET_OBJECT_SHA256 = 8;

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                .putInt(abiVersion).putInt(0).put(objectSha256).array();
    }

    public static Meta decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        int version = b.getInt();
        b.getInt();
        byte[] sha = new byte[32];
        b.get(sha);
        return new Meta(version, sha);
    }

    public boolean sameBuild(Meta other) {
        return abiVersion == other.abiVersion && Arrays.equals(objectSha256, other.objectSha256);
    }

    public static byte[] key() {
        return new byte[4];
    }
}
