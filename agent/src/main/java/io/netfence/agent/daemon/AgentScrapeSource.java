package io.netfence.agent.daemon;

import io.netfence.agent.daemon.metrics.ScrapeSource;
import io.netfence.agent.datapath.CgroupCounters;
import io.netfence.agent.datapath.EventCounters;
import io.netfence.agent.datapath.KernelDatapath;
import io.netfence.agent.datapath.MapFill;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The agent's answers to the metrics, read at scrape time. */
final class AgentScrapeSource implements ScrapeSource {
    private final Agent agent;
    private final KernelDatapath datapath;

    AgentScrapeSource(Agent agent, KernelDatapath datapath) {
        this.agent = agent;
        this.datapath = datapath;
    }

    @Override
    public List<LookupRefusal> lookupRefusals() {
        return agent.lookupRefusals().entrySet().stream()
                .map(e -> new LookupRefusal(e.getKey().policy(), e.getKey().mode(), e.getValue())).toList();
    }

    @Override
    public Map<Long, CgroupCounters> stats() throws IOException {
        return datapath.counters().all();
    }

    @Override
    public String policyLabel(long cgroupId) {
        try {
            return datapath.attachment(cgroupId).map(EventNames::cliPolicyLabel).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public EventCounters eventCounters() throws IOException {
        return datapath.counters().events();
    }

    @Override
    public long eventsReceived() {
        return agent.events().received();
    }

    @Override
    public long eventsPending() {
        return agent.eventsPending();
    }

    @Override
    public MapFill mapFill() throws IOException {
        return datapath.counters().mapFill();
    }

    @Override
    public FlowRecordsGauge flowRecords() {
        FlowHistoryKeeper.Usage usage = agent.flowHistory();
        return new FlowRecordsGauge(usage.records(), usage.capacity(), usage.memoryBytes(), usage.expired());
    }

    @Override
    public List<PolicyGauge> policies() {
        try {
            AgentStatus status = agent.status();
            return status.policies().stream().map(spec -> new PolicyGauge(spec.name(), spec.policy().egress().size(),
                    spec.policy().ingress().size(), status.matched().getOrDefault(spec.name(), List.of()).size())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public boolean lastReloadOk() {
        ReloadResult r = agent.lastReload();
        return r != null && r.ok();
    }

    @Override
    public Optional<String> lastReloadError() {
        ReloadResult r = agent.lastReload();
        return r == null || r.ok() || r.errors().isEmpty() ? Optional.empty() : Optional.of(r.errors().get(0));
    }

    @Override
    public long reloads(boolean ok) {
        return agent.reloads(ok);
    }

    @Override
    public double lastReloadSeconds() {
        ReloadResult r = agent.lastReload();
        return r == null ? 0 : r.at().toEpochMilli() / 1000.0;
    }

    @Override
    public double startSeconds() {
        return agent.started().toEpochMilli() / 1000.0;
    }

    @Override
    public List<Top> topDestinations(int k) {
        return agent.events().top().top(k).stream().map(e -> new Top(e.destination(), e.policy(), e.denials())).toList();
    }
}
