package io.netfence.agent.daemon;

import io.netfence.agent.config.AgentConfig;
import io.netfence.agent.config.PolicyFileException;
import io.netfence.agent.config.PolicyFiles;
import io.netfence.agent.config.PolicySpec;
import io.netfence.agent.daemon.events.EventHub;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The agent without a kernel: reloads parse the real policy directories, and the "maps" hold
 * at most {@code ruleCapacity} rules in all, refusing a reload past that as the datapath would.
 */
final class InMemoryAgent implements AgentControl {
    private final AgentConfig config;
    private final int ruleCapacity;
    private final Instant started = Instant.now();
    private final EventHub events;
    private volatile List<PolicySpec> inForce = List.of();
    private volatile ReloadResult lastReload;
    int reloads;
    volatile java.time.Duration sinceAsked;

    InMemoryAgent(Path home, int ruleCapacity) throws IOException {
        this.config = new AgentConfig(home.resolve("policies.d"), home.resolve("api-policies.d"), home.resolve("netfence.sock"), "", null);
        this.ruleCapacity = ruleCapacity;
        this.events = new EventHub(null);
    }

    @Override
    public AgentConfig config() {
        return config;
    }

    @Override
    public synchronized ReloadResult reloadAndWait() throws IOException {
        reloads++;
        try {
            List<PolicySpec> specs = PolicyFiles.load(config.policyDirectories());
            int rules = specs.stream().mapToInt(s -> s.policy().egress().size() + s.policy().ingress().size()).sum();
            if (rules > ruleCapacity) {
                lastReload = new ReloadResult(Instant.now(), false, List.of("the rule map holds " + ruleCapacity + " rules; "
                        + rules + " asked for"));
            } else {
                inForce = specs;
                lastReload = new ReloadResult(Instant.now(), true, List.of());
            }
        } catch (PolicyFileException e) {
            lastReload = new ReloadResult(Instant.now(), false, e.errors());
        }
        return lastReload;
    }

    @Override
    public ReloadResult lastReload() {
        return lastReload;
    }

    @Override
    public String packetSockets() {
        return "refused where a policy says so, in memory";
    }

    @Override
    public Instant started() {
        return started;
    }

    @Override
    public AgentStatus status() {
        return new AgentStatus(inForce, Map.of(), Map.of(), lastReload, started);
    }

    @Override
    public EventHub events() {
        return events;
    }

    /** No flows are recorded in memory: the answer says whether the policy would record, and the window asked is kept. */
    @Override
    public java.util.Optional<RecordedFlows> flows(String policy, java.time.Duration since) {
        sinceAsked = since;
        return inForce.stream().filter(s -> s.name().equals(policy)).findAny().map(s -> new RecordedFlows(List.of(), 0,
                config.flowHistory().enabled() || s.policy().learn(), 65536, config.flowHistory()));
    }

    @Override
    public FlowHistoryKeeper.Usage flowHistory() {
        return new FlowHistoryKeeper.Usage(config.flowHistory(), 0, 0, null, null, 0);
    }

    List<String> policiesInForce() {
        return inForce.stream().map(PolicySpec::name).toList();
    }
}
