package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Mirror of {@code struct nf_event}: one denial (or audited would-be denial) from nf_events. */
public record Event(long timestampNanos, long cgroupId, int pid, int policyId, int suppressed, boolean audit,
                    int direction, String comm, Flow flow) {
    public static final int SIZE = 72;
    public static final int OFFSET_TIMESTAMP_NS = 0;
    public static final int OFFSET_CGROUP_ID = 8;
    public static final int OFFSET_PID = 16;
    public static final int OFFSET_POLICY_ID = 20;
    public static final int OFFSET_SUPPRESSED = 24;
    public static final int OFFSET_AUDIT = 28;
    public static final int OFFSET_DIRECTION = 29;
    public static final int OFFSET_COMM = 32;
    public static final int OFFSET_FLOW = 48;

    /** Decodes a record in native order; shorter records are from a different ABI and refused. */
    public static Event decode(ByteBuffer record) {
        if (record.remaining() < SIZE) {
            throw new IllegalArgumentException("event of " + record.remaining() + " bytes, expected " + SIZE);
        }
        int base = record.position();
        byte[] comm = new byte[16];
        record.get(base + OFFSET_COMM, comm);
        int length = 0;
        while (length < comm.length && comm[length] != 0) {
            length++;
        }
        ByteBuffer flow = record.duplicate().order(record.order());
        flow.position(base + OFFSET_FLOW);
        return new Event(record.getLong(base + OFFSET_TIMESTAMP_NS), record.getLong(base + OFFSET_CGROUP_ID),
                record.getInt(base + OFFSET_PID), record.getInt(base + OFFSET_POLICY_ID), record.getInt(base + OFFSET_SUPPRESSED),
                record.get(base + OFFSET_AUDIT) != 0, Byte.toUnsignedInt(record.get(base + OFFSET_DIRECTION)),
                new String(comm, 0, length, StandardCharsets.UTF_8), Flow.decode(flow));
    }
}
