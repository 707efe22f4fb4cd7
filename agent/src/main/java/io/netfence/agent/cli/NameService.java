package io.netfence.agent.cli;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.KernelDatapath;
import io.netfence.agent.datapath.NameMaps;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.names.AddressNames;
import io.netfence.agent.names.DnsLimits;
import io.netfence.agent.names.DnsProxy;
import io.netfence.agent.names.NamePolicy;
import io.netfence.agent.names.NameSummary;
import io.netfence.agent.policy.Policy;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A standalone run's DNS proxy, in netfence's own process: bound before the policy is attached
 * (the kernel must know its port), answering before COMMAND starts. Nothing for a policy
 * without name rules.
 */
final class NameService implements AutoCloseable {
    private final DnsProxy proxy;
    private final DnsLimits limits;
    private NameMaps maps;
    private NamePolicy names;

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
        names = NamePolicy.of(CgroupPolicy.scopeOf(cgroup.id()), policy, applied);
        NamePolicy served = names;
        proxy.serve(maps, scope -> scope == served.scope() ? List.of(served) : List.of(), limits);
    }

    /** The names behind the addresses the command looked up, for the summary of denials. */
    AddressNames names() {
        return proxy == null ? AddressNames.NONE : proxy.names();
    }

    /**
     * Lines on stderr after the summary of denials: the names refused at lookup, and the name
     * rules no lookup matched (their addresses were never learned, whatever the command did).
     */
    void report() {
        if (proxy == null || names == null) {
            return;
        }
        List.of(NameSummary.refused(proxy.stats()), NameSummary.unseen(names.sightings().unseen())).stream()
                .flatMap(Optional::stream).forEach(System.err::println);
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
