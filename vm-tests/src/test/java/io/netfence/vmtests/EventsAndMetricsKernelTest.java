package io.netfence.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Processes;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestCgroups;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Counters, events, the rate limit and audit mode, checked against denials the test causes. Loopback only. */
@KernelTest
class EventsAndMetricsKernelTest {
    private TestCgroups cgroups;
    private TestAgent agent;
    private int metricsPort;
    private String cgroup;

    @BeforeEach
    void start() {
        cgroups = TestCgroups.create();
        cgroup = cgroups.create("web");
        metricsPort = TestAgent.freePort();
        agent = TestAgent.create("127.0.0.1:" + metricsPort);
        agent.writePolicy("web.yaml", "policies:\n  - name: web\n    target: " + cgroup + "\n    egress: [deny 127.0.0.2]\n"
                + "  - name: trial\n    target: " + cgroup + "\n    mode: audit\n    egress: [deny 127.0.0.3]\n");
        agent.start();
    }

    @AfterEach
    void stop() {
        agent.close();
        cgroups.close();
    }

    /** The probe run N times in one process: N connects or N unconnected sends. */
    private Result repeat(int n, String... probe) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                args.add("+");
            }
            args.addAll(List.of(probe));
        }
        return cgroups.run(cgroup, Probe.command(args.toArray(String[]::new)));
    }

    private double metric(String name, String labels) {
        String body = TestAgent.httpGet("http://127.0.0.1:" + metricsPort + "/metrics");
        Matcher m = Pattern.compile("^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$", Pattern.MULTILINE).matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void denialCountersEqualTheDenialsCausedExactly() {
        Result connects = repeat(37, "tcp", "127.0.0.2", "1");
        Result sends = repeat(13, "udp", "127.0.0.2", "9", "x");

        assertTrue(connects.stdoutLines().stream().allMatch("error EPERM"::equals) && connects.stdoutLines().size() == 37, connects.toString());
        assertTrue(sends.stdoutLines().stream().allMatch("error EPERM"::equals) && sends.stdoutLines().size() == 13, sends.toString());
        assertEquals(37, metric("netfence_denials_total", "hook=\"connect\",mode=\"enforce\",policy=\"web+trial\""));
        assertEquals(13, metric("netfence_denials_total", "hook=\"sendmsg\",mode=\"enforce\",policy=\"web+trial\""));
        assertEquals(0, metric("netfence_denials_total", "hook=\"egress\",mode=\"enforce\",policy=\"web+trial\""),
                "refused at connect()/sendmsg(), no packet was ever dropped");
    }

    @Test
    void floodsAreRateLimitedAndEverySuppressedEventIsCounted() throws Exception {
        repeat(200, "tcp", "127.0.0.2", "1");
        Thread.sleep(1100); // past the one-second interval, the next event carries the count
        repeat(1, "tcp", "127.0.0.2", "1");

        double sent = metric("netfence_events_total", "outcome=\"sent\"");
        double suppressed = metric("netfence_events_total", "outcome=\"suppressed\"");
        assertEquals(201, sent + suppressed, "every denial either sent an event or was counted as suppressed");
        assertTrue(sent <= 4, "a flood to one destination sends about one event a second, not " + sent);
        assertEquals(0, metric("netfence_events_total", "outcome=\"lost\""));
        List<Map<String, Object>> events = events();
        long reported = events.stream().mapToLong(e -> 1 + ((Number) e.get("suppressed_before")).longValue()).sum();
        assertEquals(201, reported, "events plus the suppressed counts they carry add up to the denials: " + events);
    }

    @Test
    void eventsCarryWhoWhatAndWhere() throws Exception {
        Result r = cgroups.run(cgroup, List.of("/bin/sh", "-c", "echo $$; exec " + String.join(" ", Probe.command("tcp", "127.0.0.2", "1"))));
        long pid = Long.parseLong(r.stdoutLines().get(0));

        Map<String, Object> event = waitForEvent();
        assertEquals("deny", event.get("action"));
        assertEquals("web", event.get("policy"));
        assertEquals(cgroup, event.get("cgroup"));
        assertEquals(pid, ((Number) event.get("pid")).longValue(), "the shell exec'd the probe: same pid");
        assertEquals("python3", event.get("comm"));
        assertEquals("egress", event.get("direction"));
        assertEquals("connect", event.get("hook"));
        assertEquals("127.0.0.2:1/tcp", event.get("destination"));
        assertEquals("127.0.0.2", event.get("address"));
        assertEquals(1, ((Number) event.get("port")).intValue());
        assertEquals("tcp", event.get("protocol"));
        String file = Files.readString(agent.home.resolve("events.jsonl"));
        assertTrue(file.contains("\"destination\":\"127.0.0.2:1/tcp\""), "the events file for log shippers has it too: " + file);
        Result text = Processes.run(Netfence.command(agent.netfence("events", "--policy", "web").toArray(String[]::new)));
        assertTrue(text.stdout().contains(" deny web " + cgroup + " python3[" + pid + "] egress connect 127.0.0.2:1/tcp"), text.toString());
    }

    @Test
    void auditModePassesTrafficAndReportsWhatItWouldDeny() throws Exception {
        Result r = repeat(5, "tcp", "127.0.0.3", "1");

        assertTrue(r.stdoutLines().stream().allMatch("error ECONNREFUSED"::equals), "audit blocks nothing: " + r);
        assertEquals(5, metric("netfence_denials_total", "hook=\"connect\",mode=\"audit\",policy=\"web+trial\""));
        assertEquals(0, metric("netfence_denials_total", "hook=\"connect\",mode=\"enforce\",policy=\"web+trial\""));
        Map<String, Object> event = waitForEvent();
        assertEquals("audit", event.get("action"));
        assertEquals("trial", event.get("policy"));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events() {
        Result r = Processes.run(Netfence.command(agent.netfence("events", "--json").toArray(String[]::new)));
        Load load = new Load(LoadSettings.builder().build());
        return r.stdoutLines().stream().map(l -> (Map<String, Object>) load.loadFromString(l)).toList();
    }

    private Map<String, Object> waitForEvent() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<Map<String, Object>> events = events();
            if (!events.isEmpty()) {
                return events.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no event within 5 s");
    }
}
