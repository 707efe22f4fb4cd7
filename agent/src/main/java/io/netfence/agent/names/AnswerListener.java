package io.netfence.agent.names;

import java.net.InetAddress;
import java.util.List;

/** Told of each answer the proxy learned from, once the kernel has its addresses. */
@FunctionalInterface
public interface AnswerListener {
    AnswerListener NONE = (scope, name, addresses, expiresNanos) -> { };

    /**
     * @param scope        the attachment whose query it answered
     * @param expiresNanos when the addresses stop counting for new connections (System.nanoTime())
     */
    void learned(int scope, String name, List<InetAddress> addresses, long expiresNanos);
}
