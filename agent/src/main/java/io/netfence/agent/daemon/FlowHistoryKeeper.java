package io.netfence.agent.daemon;

import io.netfence.agent.config.FlowHistory;
import io.netfence.agent.datapath.FlowRecords;
import io.netfence.agent.learn.ObservedFlow;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's side of nf_flows: which policies' records are kept, how long (flow_history's
 * max_age, swept periodically by last sighting), and what is read back for {@code learn} and
 * {@code policy diff}. Runs on the agent's thread only.
 */
final class FlowHistoryKeeper {
    /** At most this many flows in one answer, the most recently seen (about 16 MiB of JSON). */
    static final int MAX_FLOWS_PER_ANSWER = 65536;
    private static final Duration MIN_SWEEP = Duration.ofSeconds(1);
    private static final Duration MAX_SWEEP = Duration.ofSeconds(60);

    private final FlowHistory config;
    private final FlowRecords records;
    private final FlowRecords.Usage map; // fixed while the agent keeps the map open
    private final AtomicLong expired = new AtomicLong();
    private boolean everRecorded = true; // the first reload looks for an earlier agent's leftovers
    private volatile FlowRecords.Sweep lastSweep;
    private volatile Instant lastSweepAt;

    /**
     * What was read for one policy.
     *
     * @param omitted records left out of the answer beyond {@link #MAX_FLOWS_PER_ANSWER}, the least recently seen
     */
    record Read(List<ObservedFlow> flows, int omitted) {}

    /**
     * The history as status and metrics show it.
     *
     * @param records     records in nf_flows at the last sweep; null before the first (or with the history off)
     * @param expired     records deleted for max_age since the agent started
     */
    record Usage(FlowHistory config, int capacity, long memoryBytes, Integer records, Instant sweptAt, long expired) {}

    FlowHistoryKeeper(FlowHistory config, FlowRecords records) throws IOException {
        this.config = config;
        this.records = records;
        this.map = records.usage();
        if (map.capacity() != config.maxFlows()) {
            Log.warn("flow_history.max_flows is " + config.maxFlows() + " but the pinned flow map (nf_flows) holds " + map.capacity()
                    + " flows; it keeps that capacity until netfence's maps are created again (after a reboot, or once "
                    + "nothing is confined and no agent runs).");
        }
    }

    boolean enabled() {
        return config.enabled();
    }

    /** How often the records are swept: a tenth of max_age, between 1 s and 60 s. */
    Duration sweepInterval() {
        Duration tenth = config.maxAge().dividedBy(10);
        return tenth.compareTo(MIN_SWEEP) < 0 ? MIN_SWEEP : tenth.compareTo(MAX_SWEEP) > 0 ? MAX_SWEEP : tenth;
    }

    /**
     * After a reload: the records of agent policies (ids up to {@code highestId}) that no longer
     * record are deleted; 'netfence run' records carry random ids far above the agent's. Agents
     * whose policies never recorded skip the scan after the first.
     */
    void forgetAllBut(Set<Integer> recording, int highestId) {
        everRecorded |= !recording.isEmpty();
        if (!everRecorded) {
            return;
        }
        everRecorded = !recording.isEmpty();
        try {
            records.forget(k -> k.policyId() > 0 && k.policyId() <= highestId && !recording.contains(k.policyId()));
        } catch (IOException | RuntimeException e) {
            Log.error("Cannot forget the flows of policies no longer recording: " + e.getMessage());
        }
    }

    /** Deletes the history's records not seen for max_age; learn-mode policies keep theirs until they end. */
    void expire(Set<Integer> history) throws IOException {
        if (!config.enabled()) {
            return;
        }
        long cutoff = System.nanoTime() - config.maxAge().toNanos();
        FlowRecords.Sweep sweep = records.expire(k -> history.contains(k.policyId()), cutoff);
        expired.addAndGet(sweep.expired());
        lastSweep = sweep;
        lastSweepAt = Instant.now();
    }

    /** A policy's records last seen within {@code since} (null: all), merged over its cgroups. */
    Read read(int policyId, Duration since) throws IOException {
        Instant nowWall = Instant.now();
        long nowNanos = System.nanoTime(); // CLOCK_MONOTONIC, the kernel's clock for the records
        long cutoff = since == null ? 0 : nowNanos - since.toNanos();
        FlowRecords.Selection selection = records.read(k -> k.policyId() == policyId,
                v -> since == null || v.lastNanos() - cutoff >= 0, MAX_FLOWS_PER_ANSWER);
        List<ObservedFlow> flows = selection.records().stream()
                .map(r -> ObservedFlow.of(r.key(), r.value(), nowWall, nowNanos)).toList();
        return new Read(ObservedFlow.merge(flows), selection.matched() - selection.records().size());
    }

    int capacity() {
        return map.capacity();
    }

    /** Answers at once: nothing here reads the kernel. */
    Usage usage() {
        FlowRecords.Sweep sweep = lastSweep;
        return new Usage(config, map.capacity(), map.memoryBytes(), sweep == null ? null : sweep.entries(), lastSweepAt,
                expired.get());
    }
}
