package io.netfence.agent.names;

import io.netfence.agent.datapath.abi.DnsSteer;
import java.net.InetAddress;
import java.util.List;

/**
 * Told of each answer the proxy learned from, once the kernel has its addresses, and of each
 * lookup a policy refuses (or, in audit mode, would refuse).
 */
@FunctionalInterface
public interface LookupListener {
    LookupListener NONE = (scope, name, addresses, expiresNanos) -> { };

    /** @param policy the policy whose name rules refuse the name; its audit flag says whether it was refused */
    default void refused(DnsSteer steer, String name, NamePolicy policy) {}

    /**
     * @param scope        the attachment whose query it answered
     * @param expiresNanos when the addresses stop counting for new connections (System.nanoTime())
     */
    void learned(int scope, String name, List<InetAddress> addresses, long expiresNanos);
}
