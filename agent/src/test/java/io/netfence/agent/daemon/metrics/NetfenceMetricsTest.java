package io.netfence.agent.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.datapath.CgroupCounters;
import io.netfence.agent.datapath.EventCounters;
import io.netfence.agent.datapath.MapFill;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The exported series from typed scrape inputs, and counters that stay monotonic when a cgroup goes. */
class NetfenceMetricsTest {
    /** A scrape source whose values a test sets. */
    static final class InMemorySource implements ScrapeSource {
        final Map<Long, CgroupCounters> stats = new HashMap<>();

        @Override
        public Map<Long, CgroupCounters> stats() {
            return Map.copyOf(stats);
        }

        @Override
        public String policyLabel(long cgroupId) {
            return "web";
        }

        @Override
        public EventCounters eventCounters() {
            return new EventCounters(5, 2, 1);
        }

        @Override
        public List<LookupRefusal> lookupRefusals() {
            return List.of(new LookupRefusal("web", "enforce", 4), new LookupRefusal("web", "audit", 2));
        }

        @Override
        public long eventsReceived() {
            return 5;
        }

        @Override
        public long eventsPending() {
            return 0;
        }

        @Override
        public MapFill mapFill() {
            return new MapFill(10, 1000, 2, 100);
        }

        @Override
        public FlowRecordsGauge flowRecords() {
            return new FlowRecordsGauge(12, 65536, 8_912_896, 3);
        }

        @Override
        public List<PolicyGauge> policies() {
            return List.of(new PolicyGauge("web", 3, 1, 2));
        }

        @Override
        public boolean lastReloadOk() {
            return false;
        }

        @Override
        public Optional<String> lastReloadError() {
            return Optional.of("/etc/netfence/policies.d/web.yaml:6:5: duplicate key 'egress' in a policy (first at 4:5)");
        }

        @Override
        public long reloads(boolean ok) {
            return ok ? 4 : 1;
        }

        @Override
        public double lastReloadSeconds() {
            return 0;
        }

        @Override
        public double startSeconds() {
            return 0;
        }

        @Override
        public List<Top> topDestinations(int k) {
            return List.of(new Top("198.18.0.2:443/tcp", "web", 9));
        }
    }

    static CgroupCounters denied(long egressPackets) {
        long[] zero = {0, 0};
        return new CgroupCounters(zero, zero, new long[] {egressPackets, 0}, zero, new long[] {egressPackets, 0}, zero, zero, egressPackets,
                List.of(), 0, 0);
    }

    private static String scrape(NetfenceMetrics metrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void typedInputsBecomeTheNamedSeries() throws IOException {
        InMemorySource source = new InMemorySource();
        source.stats.put(1L, denied(3));
        String text = scrape(new NetfenceMetrics(source, "test"));
        for (String line : new String[] {
            "netfence_events_total{outcome=\"lost\"} 1.0",
            "netfence_events_total{outcome=\"suppressed\"} 2.0",
            "netfence_map_entries{map=\"nf_rules\"} 10.0",
            "netfence_policy_rules{direction=\"egress\",policy=\"web\"} 3.0",
            "netfence_policy_rules{direction=\"ingress\",policy=\"web\"} 1.0",
            "netfence_policy_cgroups{policy=\"web\"} 2.0",
            "netfence_packets_total{direction=\"egress\",policy=\"web\",verdict=\"denied\"} 3.0",
            "netfence_denials_total{hook=\"connect\",mode=\"enforce\",policy=\"web\"} 3.0",
            "netfence_denials_total{hook=\"dns\",mode=\"enforce\",policy=\"web\"} 4.0",
            "netfence_denials_total{hook=\"dns\",mode=\"audit\",policy=\"web\"} 2.0",
            "netfence_reloads_total{result=\"rejected\"} 1.0",
            "netfence_last_reload_success 0.0",
            "netfence_last_reload_error{file=\"/etc/netfence/policies.d/web.yaml\",position=\"6:5\"} 1.0",
            "netfence_flow_records 12.0",
            "netfence_flow_records_capacity 65536.0",
            "netfence_flow_records_memory_bytes 8912896.0",
            "netfence_flow_records_expired_total 3.0",
        }) {
            assertTrue(text.contains(line), line + " in\n" + text);
        }
    }

    @Test
    void aReloadErrorIsLabelledWithItsFileAndPosition() {
        assertArrayEquals(new String[] {"a.yaml", "2:14"}, NetfenceMetrics.errorLabels("a.yaml:2:14: not UTF-8 (policy sources must be UTF-8 text)"));
        assertArrayEquals(new String[] {"/p/a.yaml", ""}, NetfenceMetrics.errorLabels("/p/a.yaml: the file is empty (to remove its policies, delete the file)"));
        assertArrayEquals(new String[] {"", ""}, NetfenceMetrics.errorLabels("cannot read the policy files: java.io.IOException: x"));
    }

    @Test
    void aCgroupThatGoesKeepsItsCountsInTheTotal() {
        CounterTotals<Series> totals = new CounterTotals<>();
        Series denied = Series.of("packets", "web", "egress", "denied");
        totals.totals(Map.of(1L, NetfenceMetrics.series("web", denied(3)), 2L, NetfenceMetrics.series("web", denied(4))));
        Map<Series, Long> after = totals.totals(Map.of(2L, NetfenceMetrics.series("web", denied(5))));
        assertTrue(after.get(denied) == 8, "3 from the cgroup that went plus 5 now: " + after.get(denied));
    }
}
