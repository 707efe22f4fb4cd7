package io.netfence.agent.daemon.metrics;

import io.netfence.agent.datapath.CgroupCounters;
import io.netfence.agent.datapath.EventCounters;
import io.netfence.agent.datapath.MapFill;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the metrics read from the agent at scrape time, each as a value of its own type. */
public interface ScrapeSource {
    /** cgroup id → its counters, for every cgroup netfence confines. */
    Map<Long, CgroupCounters> stats() throws IOException;

    /** cgroup id → the bounded policy label its counters are reported under. */
    String policyLabel(long cgroupId);

    EventCounters eventCounters() throws IOException;

    /** Lookups the agent's DNS proxy refused, by policy, and mode ("enforce", or "audit": would have). */
    record LookupRefusal(String policy, String mode, long count) {}

    List<LookupRefusal> lookupRefusals();

    long eventsReceived();

    long eventsPending();

    MapFill mapFill() throws IOException;

    /**
     * The kernel's flow map (nf_flows) as the flow history uses it.
     *
     * @param records  records at the last sweep; null when none was made (flow history off, or not yet)
     * @param expired  records deleted for flow_history's max_age
     */
    record FlowRecordsGauge(Integer records, long capacity, long memoryBytes, long expired) {}

    FlowRecordsGauge flowRecords();

    /** A policy in force: its rule counts and the cgroups it is on. */
    record PolicyGauge(String name, int egressRules, int ingressRules, int cgroups) {}

    List<PolicyGauge> policies();

    boolean lastReloadOk();

    /** The first error of the last reload if it was rejected ("FILE:LINE:COLUMN: reason" when about a file). */
    Optional<String> lastReloadError();

    long reloads(boolean ok);

    double lastReloadSeconds();

    double startSeconds();

    record Top(String destination, String policy, long denials) {}

    List<Top> topDestinations(int k);
}
