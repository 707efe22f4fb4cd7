package io.netfence.agent.daemon;

import io.netfence.agent.daemon.metrics.ScrapeSource;
import io.netfence.agent.datapath.Datapath;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.CgroupStats;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The agent's answers to the metrics, read at scrape time. */
final class AgentScrapeSource implements ScrapeSource {
    private final Agent agent;
    private final Datapath datapath;

    AgentScrapeSource(Agent agent, Datapath datapath) {
        this.agent = agent;
        this.datapath = datapath;
    }

    @Override
    public Map<Long, CgroupStats> stats() throws IOException {
        return datapath.allStats();
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
    public EventOutcomes eventOutcomes() throws IOException {
        long[] counters = datapath.eventCounters();
        return new EventOutcomes(counters[Abi.COUNTER_EVENTS_SENT], counters[Abi.COUNTER_EVENTS_SUPPRESSED],
                counters[Abi.COUNTER_EVENTS_LOST]);
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
    public MapUsage mapUsage() throws IOException {
        Datapath.MapFill fill = datapath.mapFill();
        return new MapUsage(fill.ruleEntries(), fill.ruleCapacity(), fill.portLists(), fill.portListCapacity());
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
