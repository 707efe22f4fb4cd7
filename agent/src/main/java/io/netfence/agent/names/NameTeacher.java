package io.netfence.agent.names;

import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.LearnedAddresses;
import io.netfence.agent.datapath.NameTable;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Writes what one answer teaches into the kernel: each address, for each policy of the
 * attachment whose name rules speak of the name, as a host rule of that name's verdict and ports
 * until {@code expiresNanos}. The proxy does it for a fresh answer; the agent does it again for
 * answers it remembers when an attachment is pointed at new rulesets (reload, restart).
 */
public final class NameTeacher {
    private NameTeacher() {}

    public static void teach(LearnedAddresses kernel, String name, Collection<InetAddress> addresses, long expiresNanos,
                             List<NamePolicy> policies) throws IOException {
        for (NamePolicy policy : policies) {
            AppliedPolicy applied = policy.applied();
            Optional<NameTable.Entry> egress = applied.egressNames().decide(name);
            Optional<NameTable.Entry> ingress = applied.ingressNames().decide(name);
            for (InetAddress address : addresses) {
                if (egress.isPresent()) {
                    kernel.learn(policy.scope(), applied.egressRuleset(), address, egress.get(), expiresNanos);
                }
                if (ingress.isPresent()) {
                    kernel.learn(policy.scope(), applied.ingressRuleset(), address, ingress.get(), expiresNanos);
                }
            }
        }
    }
}
