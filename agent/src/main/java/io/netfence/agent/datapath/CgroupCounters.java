package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.CgroupStats;
import java.util.List;

/**
 * What netfence counted for one cgroup, summed over CPUs. Arrays indexed by direction are
 * [egress, ingress]; {@code *Calls} are [connect, sendmsg].
 *
 * @param denials        denials of every kind, enforced or audited
 * @param recent         some of the destinations denied last, without repeats
 * @param deniedSockets  packet and XDP sockets refused
 * @param auditedSockets packet and XDP sockets an audit-mode policy would have refused
 */
public record CgroupCounters(long[] allowedPackets, long[] allowedBytes, long[] deniedPackets, long[] deniedBytes,
                             long[] deniedCalls, long[] auditedPackets, long[] auditedCalls, long denials,
                             List<DeniedFlow> recent, long deniedSockets, long auditedSockets) {

    static CgroupCounters of(CgroupStats stats) {
        return new CgroupCounters(stats.allowedPackets(), stats.allowedBytes(), stats.deniedPackets(), stats.deniedBytes(),
                stats.deniedCalls(), stats.auditedPackets(), stats.auditedCalls(), stats.denials(),
                stats.recent().stream().map(DeniedFlow::new).toList(),
                stats.deniedSockets(), stats.auditedSockets());
    }
}
