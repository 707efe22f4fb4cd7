package io.netfence.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Processes;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestCgroups;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A real Prometheus (Debian's package) scrapes a real agent while denials happen, loads the
 * repository's rules, and every PromQL expression of the dashboards and rules must return data.
 */
@KernelTest
class DashboardsKernelTest {
    private static final Path DASHBOARDS = Path.of("..", "dashboards");
    private static final Path RULES = DASHBOARDS.resolve("rules/netfence-rules.yaml");
    private final Load json = new Load(LoadSettings.builder().build());

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTests() {
        Result check = Processes.run(List.of("promtool", "check", "rules", RULES.toString()));
        assertEquals(0, check.exitCode(), check.toString());
        Result test = Processes.run(List.of("promtool", "test", "rules", DASHBOARDS.resolve("rules/netfence-rules.test.yaml").toString()));
        assertEquals(0, test.exitCode(), test.toString());
    }

    @Test
    void everyDashboardAndRuleExpressionReturnsData() throws Exception {
        int metricsPort = TestAgent.freePort();
        int prometheusPort = TestAgent.freePort();
        Path home = Files.createTempDirectory("nft-prometheus");
        Process prometheus = null;
        try (TestCgroups cgroups = TestCgroups.create(); TestAgent agent = TestAgent.create("127.0.0.1:" + metricsPort)) {
            String cgroup = cgroups.create("web");
            agent.writePolicy("web.yaml", "policies:\n  - name: web\n    target: " + cgroup + "\n    egress: [deny 127.0.0.2]\n"
                    + "  - name: trial\n    target: " + cgroup + "\n    mode: audit\n    egress: [deny 127.0.0.3]\n");
            agent.start();
            Files.writeString(home.resolve("prometheus.yml"), "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                    + "rule_files: [\"" + RULES.toAbsolutePath().normalize() + "\"]\n"
                    + "scrape_configs:\n  - job_name: netfence\n    static_configs: [{targets: [\"127.0.0.1:" + metricsPort + "\"]}]\n");
            prometheus = new ProcessBuilder("prometheus", "--config.file=" + home.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + home.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                    .redirectErrorStream(true).redirectOutput(home.resolve("prometheus.log").toFile()).start();
            String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/";

            long deadline = System.nanoTime() + 60_000_000_000L;
            for (int round = 0; System.nanoTime() < deadline; round++) {
                // denials keep happening while Prometheus scrapes, so rates over them are not empty
                cgroups.run(cgroup, Probe.command("tcp", "127.0.0.2", "1", "+", "tcp", "127.0.0.3", "1", "+", "ping", "127.0.0.2"));
                if (round >= 8 && !results(api, "netfence_denials_total").isEmpty()
                        && !results(api, "rate(netfence_denials_total[1m]) > 0").isEmpty()) {
                    break;
                }
                Thread.sleep(500);
            }

            List<String> failures = new ArrayList<>();
            List<String> expressions = expressions();
            assertTrue(expressions.size() >= 25, "found only " + expressions.size() + " expressions");
            for (String expression : expressions) {
                String query = expression.replace("$__rate_interval", "1m").replace("$instance", ".*").replace("$policy", "web");
                if (results(api, query).isEmpty()) {
                    failures.add(query);
                }
            }
            assertEquals(List.of(), failures, "expressions that returned no data");
            String rules = TestAgent.httpGet(api + "rules");
            assertTrue(rules.contains("\"health\":\"ok\"") && !rules.contains("\"health\":\"err\""), rules);
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor();
            }
            try (Stream<Path> walk = Files.walk(home)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Every expr of both dashboards, every recording rule, and each alert's expression without its threshold. */
    @SuppressWarnings("unchecked")
    private List<String> expressions() throws IOException {
        List<String> all = new ArrayList<>();
        for (String dashboard : List.of("netfence-overview.json", "netfence-policy.json")) {
            Map<String, Object> d = (Map<String, Object>) json.loadFromString(Files.readString(DASHBOARDS.resolve(dashboard)));
            for (Map<String, Object> panel : (List<Map<String, Object>>) d.get("panels")) {
                for (Map<String, Object> target : (List<Map<String, Object>>) panel.getOrDefault("targets", List.of())) {
                    all.add((String) target.get("expr"));
                }
            }
        }
        Map<String, Object> rules = (Map<String, Object>) json.loadFromString(Files.readString(RULES));
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                String expr = (String) rule.get("expr");
                // an alert's expression is empty while it does not fire; its measured part must not be
                all.add(rule.containsKey("alert") ? expr.replaceFirst("\\s*(==|>|<)\\s*[0-9.]+\\s*$", "") : expr);
            }
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private List<Object> results(String api, String query) {
        String body = TestAgent.httpGet(api + "query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        Map<String, Object> reply = (Map<String, Object>) json.loadFromString(body);
        assertFalse(!"success".equals(reply.get("status")), "query failed: " + query + ": " + body);
        return (List<Object>) ((Map<String, Object>) reply.get("data")).get("result");
    }
}
