package io.netfence.agent.cli;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.KernelDatapath;
import io.netfence.agent.datapath.NameMaps;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.names.DnsLimits;
import io.netfence.agent.names.DnsProxy;
import io.netfence.agent.names.NamePolicy;
import io.netfence.agent.names.NameStats;
import io.netfence.agent.policy.Policy;
import java.io.IOException;
import java.util.List;

/**
 * A standalone run's DNS proxy, in netfence's own process: bound before the policy is attached
 * (the kernel must know its port), answering before COMMAND starts. Nothing for a policy
 * without name rules.
 */
final class NameService implements AutoCloseable {
    private final DnsProxy proxy;
    private final DnsLimits limits;
    private NameMaps maps;

    private NameService(DnsProxy proxy, DnsLimits limits) {
        this.proxy = proxy;
        this.limits = limits;
    }

    static NameService bindIf(Policy policy, DnsLimits limits) throws IOException {
        return new NameService(policy.hasNames() ? DnsProxy.bind(limits) : null, limits);
    }

    /** The proxy's port, 0 when there is none. */
    int port() {
        return proxy == null ? 0 : proxy.port();
    }

    void serve(KernelDatapath datapath, Cgroup cgroup, Policy policy, AppliedPolicy applied) throws IOException {
        if (proxy == null) {
            return;
        }
        maps = datapath.openNameMaps();
        NamePolicy names = NamePolicy.of(CgroupPolicy.scopeOf(cgroup.id()), policy, applied);
        proxy.serve(maps, scope -> scope == names.scope() ? List.of(names) : List.of(), limits);
    }

    /** One line on stderr for the names refused at lookup, like the summary of denials. */
    void report() {
        if (proxy == null || proxy.stats().refusals() == 0) {
            return;
        }
        NameStats stats = proxy.stats();
        System.err.println("netfence: refused " + stats.refusals() + (stats.refusals() == 1 ? " lookup: " : " lookups: ")
                + String.join(", ", stats.refusedNames().stream().sorted().limit(3).toList())
                + (stats.refusedNames().size() > 3 ? ", ..." : ""));
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        if (maps != null) {
            maps.close();
        }
    }
}
