package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.api.ApiBody;
import io.netfence.agent.api.ApiResponse;
import io.netfence.agent.api.ApiRoutes;
import io.netfence.agent.api.ApiServer;
import io.netfence.agent.api.EventSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netfence policy diff} against an agent API that serves a known policy and its recorded flows. */
class PolicyDiffCommandTest extends CapturedConsole {
    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");
    private static final ApiBody.FlowHistoryView HISTORY = new ApiBody.FlowHistoryView(true, 3600, 65536, 65536, 8_912_896, 6, T0, 0);

    @TempDir
    Path dir;
    private ApiServer server;
    private Path socket;
    private final RecordedRoutes routes = new RecordedRoutes();

    /** The agent's side: policy 'svc' in force (three hosts allowed), its six recorded flows. */
    static final class RecordedRoutes implements ApiRoutes {
        volatile boolean recording = true;
        final List<String> asked = new ArrayList<>();

        @Override
        public ApiResponse health() {
            return ApiResponse.ok(new ApiBody.Health("ok", 1, T0, null, null, HISTORY));
        }

        @Override
        public ApiResponse policies() {
            return ApiResponse.ok(new ApiBody.PolicyList(List.of(new ApiBody.PolicyView("svc", "/test/svc", "enforce", "svc.yaml",
                    List.of("deny 0.0.0.0/0", "deny ::/0", "allow 198.18.1.2:8080/tcp", "allow 198.18.2.2:5353/udp",
                            "allow 198.18.3.2/icmp", "allow api.example.test:443/tcp"), // a name rule judges no recorded flow
                    List.of("deny 0.0.0.0/0", "deny ::/0", "allow 198.18.1.2:32768-65535/tcp", "allow 198.18.2.2:32768-65535/udp",
                            "allow 198.18.3.2/icmp"), List.of("/test/svc"))), Map.of(), null));
        }

        @Override
        public synchronized ApiResponse flows(String policy, String since) {
            asked.add(policy + "?" + since);
            if (!policy.equals("svc")) {
                return ApiResponse.error(404, "no policy named '" + policy + "' is in force");
            }
            return ApiResponse.ok(new ApiBody.Flows("svc", List.of(
                    flow(false, "198.18.1.2", 6, 8080, 8080, 12, 0),
                    flow(false, "198.18.2.2", 17, 5353, 5353, 3, 0),
                    flow(false, "198.18.3.2", 1, 0, 0, 1, 0),
                    flow(false, "198.18.4.2", 6, 8080, 8080, 2, 2),
                    flow(true, "198.18.1.2", 6, 32768, 65535, 11, 0),
                    flow(true, "198.18.2.2", 17, 32768, 65535, 3, 0)), 65536, recording, 0, HISTORY));
        }

        private static ApiBody.FlowView flow(boolean ingress, String remote, int protocol, int from, int to, long packets, long denied) {
            return new ApiBody.FlowView(ingress, remote, protocol, from, to, false, packets, packets * 100, denied, T0,
                    T0.plusSeconds(packets));
        }

        @Override
        public ApiResponse apply(String source, String yaml) {
            return ApiResponse.error(400, "not here");
        }

        @Override
        public ApiResponse delete(String name) {
            return ApiResponse.error(400, "not here");
        }

        @Override
        public EventSource events() {
            return new EventSource() {
                @Override
                public List<io.netfence.agent.api.DenialRecord> recent() {
                    return List.of();
                }

                @Override
                public Runnable subscribe(Consumer<io.netfence.agent.api.DenialRecord> consumer) {
                    return () -> { };
                }
            };
        }
    }

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("netfence.sock");
        server = ApiServer.start(socket, routes, ApiServer.LIMITS, (Integer) Files.getAttribute(dir, "unix:uid"));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private int diff(String name, String text, String... options) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        List<String> args = new ArrayList<>(List.of("policy", "diff", file.toString(), "--socket", socket.toString()));
        args.addAll(List.of(options));
        return Main.execute(args.toArray(String[]::new));
    }

    @Test
    void aCandidateThatDropsOneHostListsItsFlowsAndExitsOne() throws Exception {
        int code = diff("svc.yaml", "policies:\n  - name: svc\n    target: /test/svc\n"
                + "    egress: [deny any, allow 198.18.1.2:8080/tcp, allow 198.18.3.2/icmp]\n"
                + "    ingress: [deny any, allow 198.18.1.2:32768-65535/tcp, allow 198.18.3.2/icmp]\n", "--since", "1h");

        assertEquals(1, code, stderr());
        List<String> lines = stdout().lines().toList();
        assertTrue(lines.get(0).startsWith("policy svc: " + dir.resolve("svc.yaml") + " against the policy in force, on flows seen since "),
                lines.get(0));
        assertEquals(List.of(
                "would deny, allowed now (2):",
                "  egress  198.18.2.2:5353/udp         3 packets, first 2026-11-30T09:00:00Z, last 2026-11-30T09:00:03Z",
                "  ingress 198.18.2.2:32768-65535/udp  3 packets, first 2026-11-30T09:00:00Z, last 2026-11-30T09:00:03Z",
                "would allow, denied now (0)",
                "agree: 4 flows of 6"), lines.subList(1, lines.size()));
        assertEquals(List.of("svc?3600"), routes.asked);
    }

    @Test
    void theSameRulesAsARulesFileExitZero() throws Exception {
        int code = diff("svc.rules", "deny any\nallow 198.18.1.2:8080/tcp\nallow 198.18.2.2:5353/udp\nallow 198.18.3.2/icmp\n"
                + "ingress-deny any\ningress-allow 198.18.1.2:32768-65535/tcp\ningress-allow 198.18.2.2:32768-65535/udp\n"
                + "ingress-allow 198.18.3.2/icmp\n", "--policy", "svc");

        assertEquals(0, code, stderr());
        assertTrue(stdout().contains("would deny, allowed now (0)\nwould allow, denied now (0)\nagree: 6 flows of 6\n"), stdout());
        assertEquals(List.of("svc?null"), routes.asked);
    }

    @Test
    void aFlowTheCandidateAllowsIsListedTheOtherWayAndNameRulesAreNamedAsJudgingNothing() throws Exception {
        int code = diff("svc.rules", "deny any\nallow 198.18.0.0/16\nallow api.example.test:443/tcp\ningress-allow any\n",
                "--policy", "svc");

        assertEquals(1, code, stderr());
        assertTrue(stdout().contains("note: 1 name rules judge no recorded flow (flows are recorded by address, under the "
                + "address rules of both sides): allow api.example.test:443/tcp\n"), stdout());
        assertTrue(stdout().contains("would allow, denied now (1):\n  egress  198.18.4.2:8080/tcp         2 packets (2 denied), "),
                stdout());
    }

    @Test
    void aPolicyThatRecordsNothingIsUsageWithOneLineSayingHowToRecord() throws Exception {
        routes.recording = false;

        assertEquals(2, diff("svc.rules", "deny any\n", "--policy", "svc"));

        assertEquals("netfence: policy 'svc' records no flows: " + FlowHistoryHint.TEXT + "\n", stderr());
    }

    @Test
    void badInputIsUsageAndNamesWhatIsWrong() throws Exception {
        assertEquals(2, diff("svc.rules", "deny any\n"));
        assertTrue(stderr().contains("is a rules file: say which policy in force it would replace with --policy NAME"), stderr());

        assertEquals(2, diff("other.yaml", "policies:\n  - name: other\n    target: /test/other\n    egress: [deny any]\n"));
        assertTrue(stderr().contains("no policy named 'other' is in force (in force: svc)"), stderr());

        assertEquals(2, diff("bad.yaml", "policies:\n  - name: svc\n    target: /test/svc\n    egress: [allow 198.18.0.0/33]\n"));
        assertTrue(stderr().contains(dir.resolve("bad.yaml") + ":4:14: "), stderr());

        assertEquals(2, diff("svc.rules", "deny any\n", "--policy", "svc", "--since", "an hour"));
        assertTrue(stderr().contains("--since: 'an hour' is not a duration"), stderr());
    }
}
