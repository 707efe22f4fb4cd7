package io.netfence.agent.daemon.metrics;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.CgroupCounters;
import io.netfence.agent.datapath.EventCounters;
import io.netfence.agent.datapath.MapFill;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every metric netfence exports, defined here and nowhere else. Label sets are bounded: policy
 * (one per policy, 'run' for all 'netfence run' cgroups), direction, hook, verdict, mode; never a
 * pid, a cgroup or a destination, except the top-{@value #TOP_K} destinations, which are at most
 * {@value #TOP_K} series by rank.
 */
public final class NetfenceMetrics {
    public static final int TOP_K = 10;
    private static final long SNAPSHOT_NANOS = 500_000_000L;
    private static final Pattern FILE_ERROR = Pattern.compile("(\\S+?\\.ya?ml)(?::(\\d+:\\d+))?: ");
    private static final int MAX_LABEL_CHARS = 200;
    private static final String[] DIRECTIONS = {"egress", "ingress"};
    private static final String[] CALL_HOOKS = {"connect", "sendmsg"};

    private final ScrapeSource source;
    private final CounterTotals<Series> totals = new CounterTotals<>();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private Map<Series, Long> snapshot = Map.of();
    private long snapshotAt;

    public NetfenceMetrics(ScrapeSource source, String version) {
        this.source = source;
        Info info = Info.builder().name("netfence_build_info").help("netfence's version and BPF ABI").labelNames("version", "abi")
                .register(registry);
        info.addLabelValues(version, Integer.toString(Abi.VERSION));
        counter("netfence_packets", "Packets seen by the cgroup_skb hooks, by verdict (audited: would-be denials that passed)",
                "packets", "policy", "direction", "verdict");
        counter("netfence_bytes", "Bytes seen by the cgroup_skb hooks, by verdict", "bytes", "policy", "direction", "verdict");
        counter("netfence_denials", "Denials by enforcement point (mode audit: would-be denials that passed)", "denials",
                "policy", "hook", "mode");
        CounterWithCallback.builder().name("netfence_events").labelNames("outcome")
                .help("What became of each denial's event: sent, suppressed by the rate limit (counted in a later event), lost (ring full)")
                .callback(cb -> {
                    EventCounters c = read(source::eventCounters);
                    cb.call(c.sent(), "sent");
                    cb.call(c.suppressed(), "suppressed");
                    cb.call(c.lost(), "lost");
                }).register(registry);
        CounterWithCallback.builder().name("netfence_events_received").help("Events the agent read from the ring")
                .callback(cb -> cb.call(source.eventsReceived())).register(registry);
        GaugeWithCallback.builder().name("netfence_events_pending_bytes").help("Bytes in the events ring not yet read by the agent")
                .callback(cb -> cb.call(source.eventsPending())).register(registry);
        GaugeWithCallback.builder().name("netfence_top_denied_destination_denials").labelNames("rank", "destination", "policy")
                .help("The " + TOP_K + " most denied destinations since the agent started (a bounded top-K, by rank)")
                .callback(cb -> {
                    List<ScrapeSource.Top> top = source.topDestinations(TOP_K);
                    for (int i = 0; i < top.size(); i++) {
                        cb.call(top.get(i).denials(), Integer.toString(i + 1), top.get(i).destination(), top.get(i).policy());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("netfence_policies").help("Policies in force")
                .callback(cb -> cb.call(source.policies().size())).register(registry);
        GaugeWithCallback.builder().name("netfence_policy_rules").labelNames("policy", "direction").help("Rules per policy")
                .callback(cb -> source.policies().forEach(p -> {
                    cb.call(p.egressRules(), p.name(), "egress");
                    cb.call(p.ingressRules(), p.name(), "ingress");
                })).register(registry);
        GaugeWithCallback.builder().name("netfence_policy_cgroups").labelNames("policy").help("Cgroups a policy is in force on")
                .callback(cb -> source.policies().forEach(p -> cb.call(p.cgroups(), p.name()))).register(registry);
        GaugeWithCallback.builder().name("netfence_cgroups_confined").help("Cgroups netfence confines (agent and CLI)")
                .callback(cb -> cb.call(read(source::stats).size())).register(registry);
        GaugeWithCallback.builder().name("netfence_map_entries").labelNames("map").help("Entries in use in the rule maps")
                .callback(cb -> {
                    MapFill usage = read(source::mapFill);
                    cb.call(usage.ruleEntries(), Abi.MAP_RULES);
                    cb.call(usage.portLists(), Abi.MAP_PORTLISTS);
                }).register(registry);
        GaugeWithCallback.builder().name("netfence_map_capacity").labelNames("map").help("Capacity of the rule maps")
                .callback(cb -> {
                    MapFill usage = read(source::mapFill);
                    cb.call(usage.ruleCapacity(), Abi.MAP_RULES);
                    cb.call(usage.portListCapacity(), Abi.MAP_PORTLISTS);
                }).register(registry);
        GaugeWithCallback.builder().name("netfence_flow_records")
                .help("Flow records in the kernel's flow map (nf_flows) at the agent's last sweep; none without flow_history")
                .callback(cb -> {
                    Integer records = source.flowRecords().records();
                    if (records != null) {
                        cb.call(records);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("netfence_flow_records_capacity")
                .help("Flows the kernel's flow map holds; beyond that the least recently seen are forgotten")
                .callback(cb -> cb.call(source.flowRecords().capacity())).register(registry);
        GaugeWithCallback.builder().name("netfence_flow_records_memory_bytes")
                .help("Kernel memory of the flow map, preallocated for its capacity (estimated from the kernel's hash map layout)")
                .callback(cb -> cb.call(source.flowRecords().memoryBytes())).register(registry);
        CounterWithCallback.builder().name("netfence_flow_records_expired")
                .help("Flow records deleted because they were not seen for flow_history's max_age")
                .callback(cb -> cb.call(source.flowRecords().expired())).register(registry);
        CounterWithCallback.builder().name("netfence_reloads").labelNames("result").help("Policy reloads, by result")
                .callback(cb -> {
                    cb.call(source.reloads(true), "ok");
                    cb.call(source.reloads(false), "rejected");
                }).register(registry);
        GaugeWithCallback.builder().name("netfence_last_reload_success").help("1 if the last reload was applied, 0 if it was rejected")
                .callback(cb -> cb.call(source.lastReloadOk() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("netfence_last_reload_error").labelNames("file", "position")
                .help("1 for the first error of a rejected last reload, with its file and line:column; no series when it was applied")
                .callback(cb -> source.lastReloadError().ifPresent(error -> cb.call(1, errorLabels(error)))).register(registry);
        GaugeWithCallback.builder().name("netfence_last_reload_timestamp_seconds").help("When the policies were last reloaded")
                .callback(cb -> cb.call(source.lastReloadSeconds())).register(registry);
        GaugeWithCallback.builder().name("netfence_agent_start_time_seconds").help("When the agent started")
                .callback(cb -> cb.call(source.startSeconds())).register(registry);
    }

    /** FILE and LINE:COLUMN of "FILE:LINE:COLUMN: reason" or "FILE: reason"; empty for a message about no file. */
    static String[] errorLabels(String error) {
        Matcher m = FILE_ERROR.matcher(error);
        if (!m.lookingAt()) {
            return new String[] {"", ""};
        }
        String file = m.group(1);
        return new String[] {file.length() > MAX_LABEL_CHARS ? "..." + file.substring(file.length() - MAX_LABEL_CHARS) : file,
            m.group(2) == null ? "" : m.group(2)};
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    private void counter(String name, String help, String family, String... labels) {
        CounterWithCallback.builder().name(name).help(help).labelNames(labels).callback(cb -> {
            for (Map.Entry<Series, Long> e : totals().entrySet()) {
                if (e.getKey().family().equals(family)) {
                    cb.call(e.getValue(), e.getKey().labels().toArray(String[]::new));
                }
            }
        }).register(registry);
    }

    /** One read of every cgroup's counters per scrape, turned into monotonic totals by label set. */
    private synchronized Map<Series, Long> totals() {
        if (System.nanoTime() - snapshotAt < SNAPSHOT_NANOS) {
            return snapshot;
        }
        Map<Long, Map<Series, Long>> byCgroup = new HashMap<>();
        for (Map.Entry<Long, CgroupCounters> e : read(source::stats).entrySet()) {
            byCgroup.put(e.getKey(), series(source.policyLabel(e.getKey()), e.getValue()));
        }
        Map<Series, Long> all = new HashMap<>(totals.totals(byCgroup));
        for (ScrapeSource.LookupRefusal r : source.lookupRefusals()) {
            all.merge(Series.of("denials", r.policy(), "dns", r.mode()), r.count(), Long::sum);
        }
        snapshot = all;
        snapshotAt = System.nanoTime();
        return snapshot;
    }

    static Map<Series, Long> series(String policy, CgroupCounters s) {
        Map<Series, Long> m = new HashMap<>();
        for (int d = 0; d < 2; d++) {
            m.put(Series.of("packets", policy, DIRECTIONS[d], "allowed"), s.allowedPackets()[d]);
            m.put(Series.of("packets", policy, DIRECTIONS[d], "denied"), s.deniedPackets()[d]);
            m.put(Series.of("packets", policy, DIRECTIONS[d], "audited"), s.auditedPackets()[d]);
            m.put(Series.of("bytes", policy, DIRECTIONS[d], "allowed"), s.allowedBytes()[d]);
            m.put(Series.of("bytes", policy, DIRECTIONS[d], "denied"), s.deniedBytes()[d]);
            m.put(Series.of("denials", policy, DIRECTIONS[d], "enforce"), s.deniedPackets()[d]);
            m.put(Series.of("denials", policy, DIRECTIONS[d], "audit"), s.auditedPackets()[d]);
            m.put(Series.of("denials", policy, CALL_HOOKS[d], "enforce"), s.deniedCalls()[d]);
            m.put(Series.of("denials", policy, CALL_HOOKS[d], "audit"), s.auditedCalls()[d]);
        }
        m.put(Series.of("denials", policy, "sock_create", "enforce"), s.deniedSockets());
        m.put(Series.of("denials", policy, "sock_create", "audit"), s.auditedSockets());
        return m;
    }

    private interface Read<T> {
        T get() throws IOException;
    }

    private static <T> T read(Read<T> read) {
        try {
            return read.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
