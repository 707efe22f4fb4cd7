package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Mirror of {@code struct nf_cg_stats}, summed over CPUs. Arrays indexed by direction are
 * [egress, ingress]; {@code *Calls} are [connect, sendmsg].
 */
public record CgroupStats(long[] allowedPackets, long[] allowedBytes, long[] deniedPackets, long[] deniedBytes,
                          long[] deniedCalls, long denials, List<Flow> recent, long[] auditedPackets, long[] auditedCalls,
                          long deniedSockets, long auditedSockets) {
    public static final int SIZE = 232;
    public static final int OFFSET_AUDITED_PACKETS = 184;
    public static final int OFFSET_AUDITED_CALLS = 200;
    public static final int OFFSET_DENIED_SOCKETS = 216;
    public static final int OFFSET_AUDITED_SOCKETS = 224;
    public static final int OFFSET_ALLOWED_PACKETS = 0;
    public static final int OFFSET_ALLOWED_BYTES = 16;
    public static final int OFFSET_DENIED_PACKETS = 32;
    public static final int OFFSET_DENIED_BYTES = 48;
    public static final int OFFSET_DENIED_CALLS = 64;
    public static final int OFFSET_DENIALS = 80;
    public static final int OFFSET_RECENT = 88;

    /** Sums the per-CPU values of one percpu storage lookup (slots of SIZE rounded to 8). */
    public static CgroupStats sumPerCpu(byte[] perCpu) {
        int slot = (SIZE + 7) & ~7;
        long[][] sums = new long[5][2];
        long[] auditedPackets = new long[2];
        long[] auditedCalls = new long[2];
        long denials = 0;
        long deniedSockets = 0;
        long auditedSockets = 0;
        Set<Flow> recent = new LinkedHashSet<>();
        for (int cpu = 0; cpu + slot <= perCpu.length; cpu += slot) {
            ByteBuffer b = ByteBuffer.wrap(perCpu, cpu, slot).slice().order(ByteOrder.nativeOrder());
            for (int field = 0; field < 5; field++) {
                sums[field][0] += b.getLong(field * 16);
                sums[field][1] += b.getLong(field * 16 + 8);
            }
            for (int d = 0; d < 2; d++) {
                auditedPackets[d] += b.getLong(OFFSET_AUDITED_PACKETS + 8 * d);
                auditedCalls[d] += b.getLong(OFFSET_AUDITED_CALLS + 8 * d);
            }
            deniedSockets += b.getLong(OFFSET_DENIED_SOCKETS);
            auditedSockets += b.getLong(OFFSET_AUDITED_SOCKETS);
            long cpuDenials = b.getLong(OFFSET_DENIALS);
            denials += cpuDenials;
            b.position(OFFSET_RECENT);
            for (int i = 0; i < Math.min(cpuDenials, Abi.RECENT_MAX); i++) {
                recent.add(Flow.decode(b));
            }
        }
        return new CgroupStats(sums[0], sums[1], sums[2], sums[3], sums[4], denials, new ArrayList<>(recent),
                auditedPackets, auditedCalls, deniedSockets, auditedSockets);
    }
}
