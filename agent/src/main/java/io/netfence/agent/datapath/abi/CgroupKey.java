package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The key of both cgroup storages: the cgroup id as a host-order u64. */
public final class CgroupKey {
    public static final int SIZE = 8;

    private CgroupKey() {}

    public static byte[] encode(long cgroupId) {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder()).putLong(cgroupId).array();
    }
}
