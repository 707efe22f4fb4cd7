package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Mirror of {@code struct nf_flow_value}. Times are {@code bpf_ktime_get_ns()}, the clock of
 * {@link System#nanoTime()} on Linux (CLOCK_MONOTONIC).
 */
public record FlowValue(long packets, long bytes, long firstNanos, long lastNanos, long denied) {
    public static final int SIZE = 40;
    public static final int OFFSET_PACKETS = 0;
    public static final int OFFSET_BYTES = 8;
    public static final int OFFSET_FIRST_NS = 16;
    public static final int OFFSET_LAST_NS = 24;
    public static final int OFFSET_DENIED = 32;

    public static FlowValue decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        return new FlowValue(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }
}
