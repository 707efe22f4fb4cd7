package io.netfence.agent.learn;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.FlowKey;
import io.netfence.agent.datapath.abi.FlowValue;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.PortRange;
import io.netfence.agent.policy.Protocol;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One distinct flow as recorded in learn mode, merged over the cgroups that saw it.
 *
 * @param remote   the peer: destination on egress, source on ingress
 * @param protocol IPPROTO_* number
 * @param ports    remote port on egress, local port on ingress; the whole ephemeral range for
 *                 answers to ephemeral ports; null for flows without ports
 * @param own      loopback to the confinement's own sockets
 * @param denied   of {@code packets}, those a policy in force denied
 */
public record ObservedFlow(boolean ingress, IpPrefix remote, int protocol, PortRange ports, boolean own, long packets,
                           long bytes, long denied, Instant first, Instant last) {
    public static final PortRange EPHEMERAL = new PortRange(Abi.FLOW_EPHEMERAL_MIN, PortRange.MAX);
    static final int TCP = 6;
    static final int UDP = 17;

    /**
     * A kernel record, its CLOCK_MONOTONIC times placed on the wall clock by the pair
     * ({@code nowWall}, {@code nowNanos}) read together.
     */
    public static ObservedFlow of(FlowKey key, FlowValue value, Instant nowWall, long nowNanos) {
        PortRange ports = key.ephemeral() ? EPHEMERAL
                : key.port() != 0 && (key.protocol() == TCP || key.protocol() == UDP) ? new PortRange(key.port(), key.port()) : null;
        return new ObservedFlow(key.direction() == 1, IpPrefix.of(key.address(), key.address().length * 8), key.protocol(), ports,
                key.own(), value.packets(), value.bytes(), value.denied(), nowWall.minusNanos(nowNanos - value.firstNanos()),
                nowWall.minusNanos(nowNanos - value.lastNanos()));
    }

    /** The rule protocol, null for protocols a rule cannot name (a rule without protocol covers them). */
    public Protocol ruleProtocol() {
        return switch (protocol) {
            case TCP -> Protocol.TCP;
            case UDP -> Protocol.UDP;
            case 1, 58 -> Protocol.ICMP;
            default -> null;
        };
    }

    /** Whether every time it was seen a policy in force denied it. */
    public boolean onlyDenied() {
        return packets > 0 && denied >= packets;
    }

    /** The same flow seen by several cgroups (or scopes) as one: counts added, first and last widened. */
    public static List<ObservedFlow> merge(Collection<ObservedFlow> flows) {
        Map<List<Object>, ObservedFlow> merged = new LinkedHashMap<>();
        for (ObservedFlow f : flows) {
            merged.merge(List.of(f.ingress, f.remote, f.protocol, f.ports == null ? "" : f.ports, f.own), f, ObservedFlow::plus);
        }
        return List.copyOf(merged.values());
    }

    private ObservedFlow plus(ObservedFlow o) {
        return new ObservedFlow(ingress, remote, protocol, ports, own, packets + o.packets, bytes + o.bytes, denied + o.denied,
                first.isBefore(o.first) ? first : o.first, last.isAfter(o.last) ? last : o.last);
    }
}
