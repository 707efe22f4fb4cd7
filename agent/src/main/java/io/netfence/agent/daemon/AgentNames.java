package io.netfence.agent.daemon;

import io.netfence.agent.datapath.KernelDatapath;
import io.netfence.agent.datapath.NameMaps;
import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.abi.DnsSteer;
import io.netfence.agent.datapath.abi.Event;
import io.netfence.agent.names.AddressNames;
import io.netfence.agent.names.LookupListener;
import java.net.InetAddress;
import io.netfence.agent.names.DnsLimits;
import io.netfence.agent.names.DnsProxy;
import io.netfence.agent.names.NamePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's DNS side for policies with name rules: one proxy answering the steered queries of
 * every attachment, with the name policies each attachment is pointed at, and a memory of what
 * was learned so that new rulesets (reload, restart) start with it. The proxy takes the port an
 * earlier agent had when it can, so attachments that still point there are answered again as
 * soon as the agent is back.
 */
final class AgentNames implements AttachmentNames, LookupListener, AutoCloseable {
    /** Where a refused lookup's event goes, with the name refused. */
    interface RefusalSink {
        void publish(Event event, String name);
    }

    private static final String MEMORY_FILE = "names.json";
    private static final int MEMORY_CAPACITY = 200_000;

    private final DnsProxy proxy;
    private final NameMaps maps;
    private final NameMemory memory;
    private final Path memoryFile;
    private final Map<Integer, List<NamePolicy>> byScope = new ConcurrentHashMap<>();
    private final LookupRefusals refusals = new LookupRefusals();
    private volatile RefusalSink sink = (event, name) -> { };

    private AgentNames(DnsProxy proxy, NameMaps maps, NameMemory memory, Path memoryFile) {
        this.proxy = proxy;
        this.maps = maps;
        this.memory = memory;
        this.memoryFile = memoryFile;
    }

    /** Binds the proxy and starts answering; the programs must be loaded. */
    static AgentNames start(KernelDatapath datapath, DnsLimits limits) throws IOException {
        Path file = datapath.runtimeDirectory().resolve(MEMORY_FILE);
        NameMemory memory = new NameMemory(MEMORY_CAPACITY);
        int earlierPort = memory.load(file);
        DnsProxy proxy = bindPreferring(limits, earlierPort);
        NameMaps maps;
        try {
            maps = datapath.openNameMaps();
        } catch (IOException | RuntimeException e) {
            proxy.close();
            throw e;
        }
        AgentNames names = new AgentNames(proxy, maps, memory, file);
        try {
            memory.compactIfLarge(file, proxy.port()); // the journal, opened, with this proxy's port
        } catch (IOException e) {
            Log.error("Cannot keep learned names for the next agent in " + file + ": " + e.getMessage());
        }
        proxy.serve(maps, names::policiesOf, limits, names);
        return names;
    }

    private static DnsProxy bindPreferring(DnsLimits limits, int port) throws IOException {
        if (port != 0) {
            try {
                return DnsProxy.bind(limits, port);
            } catch (IOException e) {
                Log.error("DNS proxy: port " + port + " of the earlier agent is taken (" + e.getMessage()
                        + "); taking another, attachments are pointed at it as they are reconciled.");
            }
        }
        return DnsProxy.bind(limits);
    }

    @Override
    public void learned(int scope, String name, List<InetAddress> addresses, long expiresNanos) {
        memory.learned(scope, name, addresses, expiresNanos);
    }

    @Override
    public void refused(DnsSteer steer, String name, NamePolicy policy) {
        AppliedPolicy applied = policy.applied();
        refusals.refused(steer, name, applied.name(), applied.policyId(), applied.audit(), System.nanoTime())
                .ifPresent(event -> sink.publish(event, name));
    }

    /** Refused lookups become events here from now on. */
    void publishRefusals(RefusalSink to) {
        sink = to;
    }

    /** Lookups refused so far, by policy and mode. */
    Map<LookupRefusals.Key, Long> refusals() {
        return refusals.counts();
    }

    private List<NamePolicy> policiesOf(int scope) {
        return byScope.getOrDefault(scope, List.of());
    }

    @Override
    public int proxyPort() {
        return proxy.port();
    }

    @Override
    public void pointing(int scope, List<NamePolicy> policies) throws IOException {
        memory.teachAgain(maps, scope, policies, System.nanoTime());
        List<NamePolicy> both = new ArrayList<>(policiesOf(scope)); // until pointed, either may judge its packets
        both.addAll(policies);
        if (!both.isEmpty()) {
            byScope.put(scope, List.copyOf(both));
        }
    }

    @Override
    public void pointed(int scope, List<NamePolicy> policies) {
        if (policies.isEmpty()) {
            byScope.remove(scope);
        } else {
            byScope.put(scope, List.copyOf(policies));
        }
    }

    @Override
    public void released(int scope) {
        byScope.remove(scope);
        memory.forget(scope);
    }

    /** Expires the memory and compacts its journal: on the agent's thread, every few seconds. */
    void maintain() throws IOException {
        memory.expire(System.nanoTime());
        memory.compactIfLarge(memoryFile, proxy.port());
    }

    /** The names behind addresses the proxy answered, for events. */
    AddressNames addressNames() {
        return proxy.names();
    }

    /**
     * Forgets what an earlier agent remembered for attachments no longer in the kernel (cgroups
     * removed while no agent ran): once, at start. The others (an agent's, a run's) stay until
     * they expire, whether or not this agent has registered them yet.
     */
    void forgetAllBut(Set<Integer> attachedScopes) {
        memory.retain(attachedScopes);
    }

    @Override
    public void close() throws IOException {
        proxy.close();
        maps.close();
        memory.close();
        if (memory.size() == 0) {
            Files.deleteIfExists(memoryFile); // nothing to carry over
        }
    }
}
