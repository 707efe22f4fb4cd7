package io.netfence.agent.api;

import java.time.Instant;

/**
 * One denial (action "deny") or audited would-be denial (action "audit") as the API streams it
 * and the events file stores it, one JSON object per line.
 *
 * @param pid              null when the kernel had no process (ingress)
 * @param suppressedBefore like events left out by the rate limit before this one
 * @param name             the host name the address was learned from (name rules), null when none is known
 */
public record DenialRecord(Instant time, String action, String policy, String cgroup, long cgroupId, String unit, Integer pid,
                           String comm, String direction, String hook, String destination, String address, int port,
                           String protocol, long suppressedBefore, String name) {}
