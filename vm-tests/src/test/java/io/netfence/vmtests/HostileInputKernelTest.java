package io.netfence.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netfence.vmtests.fixtures.Eventually;
import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Processes;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestCgroups;
import io.netfence.agent.api.ApiClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A running agent fed what an attacker or a careless operator would give it, while a probe in
 * the confined cgroup checks that a denied (127.0.0.2) and an allowed (127.0.0.3) destination
 * keep their verdicts throughout.
 */
@KernelTest
class HostileInputKernelTest {
    private static final String DENIED = "127.0.0.2";
    private static final String ALLOWED = "127.0.0.3";

    private TestCgroups cgroups;
    private TestAgent agent;
    private String cgroup;

    private int metricsPort;

    @BeforeEach
    void setUp() {
        cgroups = TestCgroups.create();
        cgroup = cgroups.create("web");
        metricsPort = TestAgent.freePort();
        agent = TestAgent.create("127.0.0.1:" + metricsPort);
        agent.writePolicy("web.yaml", policy());
        agent.start();
    }

    @AfterEach
    void tearDown() {
        agent.close();
        cgroups.close();
    }

    private String policy() {
        return "policies:\n  - name: web\n    target: " + cgroup + "\n    egress:\n      - deny " + DENIED + "\n";
    }

    private String status() {
        return Processes.run(Netfence.command(agent.netfence("status").toArray(String[]::new))).stdout();
    }

    private static void eventually(String what, BooleanSupplier condition) {
        Eventually.holds(what, condition);
    }

    private static void assertNoViolation(Watch.Outcome outcome) {
        assertTrue(outcome.attempts() > 20, outcome.toString());
        assertEquals(0, outcome.deniedAllowed(), "the denied destination was reached: " + outcome);
        assertEquals(0, outcome.allowedDenied(), "the allowed destination was refused: " + outcome);
    }

    @Test
    void aDuplicateKeyInAFileIsRefusedAndTheDeniedDestinationStaysDenied() throws IOException {
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            Files.writeString(agent.policies.resolve("web.yaml"), "    egress:\n      - allow any\n", StandardOpenOption.APPEND);

            eventually("the reload is rejected", () -> status().contains("rejected"));
            Processes.sleep(300);
            assertNoViolation(watch.finish());
        }
        assertTrue(status().contains("web.yaml:6:5: duplicate key 'egress' in a policy (first at"), status());
    }

    @Test
    void aDuplicateKeyThroughApplyIsRefused() throws IOException {
        Path file = Files.createTempFile("nft-dup", ".yaml");
        try {
            Files.writeString(file, "policies:\n  - name: extra\n    target: " + cgroup + "\n    egress: [deny 127.0.0.4]\n"
                    + "    egress: [allow any]\n");
            Result applied = Processes.run(Netfence.command(agent.netfence("apply", "-f", file.toString()).toArray(String[]::new)));
            assertEquals(2, applied.exitCode(), applied.toString());
            assertTrue(applied.stderr().contains(":5:5: duplicate key 'egress'"), applied.stderr());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aFileRewrittenInPlaceIsAppliedOnlyOnceComplete() throws IOException {
        Path file = agent.policies.resolve("web.yaml");
        byte[] next = policy().replace("deny " + DENIED, "deny " + DENIED + "\n      - deny 127.0.0.4").getBytes(StandardCharsets.UTF_8);
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            // what 'echo > file' and many editors do: truncate, then write, then close
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                Processes.sleep(1500);
                channel.write(ByteBuffer.wrap(next, 0, next.length / 2));
                Processes.sleep(1500);
                channel.write(ByteBuffer.wrap(next, next.length / 2, next.length - next.length / 2));
            }
            eventually("the complete version is applied", () -> Netfence.ok("list").stdout().contains("127.0.0.4"));
            assertNoViolation(watch.finish());
        }
        assertTrue(status().contains("last reload: ok"), status());
    }

    @Test
    void anEmptiedFileIsRefusedNotReadAsNoPolicies() throws IOException {
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            Files.write(agent.policies.resolve("web.yaml"), new byte[0]);
            eventually("the reload is rejected", () -> status().contains("rejected"));
            Processes.sleep(300);
            assertNoViolation(watch.finish());
        }
        String status = status();
        assertTrue(status.contains("web.yaml: the file is empty (to remove its policies, delete the file)"), status);
        assertNotEquals(-1, status.indexOf("rejected"), status);
    }

    // ---- inputs beyond the limits: each refused, the probe's verdicts unchanged, the agent answering ----

    /** A bound against a hang, not a timing claim: status normally answers in milliseconds. */
    private static final Duration STATUS_BOUND = Duration.ofSeconds(5);
    private static final byte[] SIX_MB_LINE = ("policies: [" + "x".repeat(6 * 1024 * 1024) + "]\n").getBytes(StandardCharsets.US_ASCII);

    private void assertStatusAnswers() {
        try {
            ApiClient.Reply reply = new ApiClient(agent.socket, STATUS_BOUND).get("/v1/health");
            assertEquals(200, reply.status(), reply.body());
        } catch (IOException e) {
            fail("status did not answer within " + STATUS_BOUND + ": " + e.getMessage());
        }
    }

    private String metrics() {
        return TestAgent.httpGet("http://127.0.0.1:" + metricsPort + "/metrics");
    }

    private Result netfence(Duration timeout, String... args) {
        return Processes.run(Netfence.command(agent.netfence(args).toArray(String[]::new)), timeout);
    }

    /** Writes raw bytes as a policy file, atomically, so the reload sees them whole. */
    private void writeRaw(String file, byte[] bytes) throws IOException {
        Path temporary = agent.policies.resolve("." + file + ".tmp");
        Files.write(temporary, bytes);
        Files.move(temporary, agent.policies.resolve(file), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A chunked body sent 64 KiB every 100 ms from another thread, until the agent closes (at most ~10 s for 6 MB). */
    private static CompletableFuture<Void> trickle(RawSocket client, byte[] body) {
        client.send("POST /v1/policies HTTP/1.1\r\nHost: x\r\nX-Netfence-Source: slow.yaml\r\nTransfer-Encoding: chunked\r\n\r\n");
        return CompletableFuture.runAsync(() -> {
            for (int offset = 0; offset < body.length; offset += 65536) {
                if (!client.sendChunk(body, offset, Math.min(65536, body.length - offset))) {
                    return;
                }
                Processes.sleep(100);
            }
        });
    }

    @Test
    void aSixMegabyteLineToApplyGets413AtOnceAndStatusAnswersWhileAnotherSendsItSlowly() throws Exception {
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            try (RawSocket fast = RawSocket.connect(agent.socket)) {
                fast.send("POST /v1/policies HTTP/1.1\r\nHost: x\r\nContent-Length: " + SIX_MB_LINE.length + "\r\n\r\n");
                fast.send(SIX_MB_LINE); // the agent may answer and close before it is all sent
                String reply = fast.readAll(STATUS_BOUND);
                assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
            }
            try (RawSocket slow = RawSocket.connect(agent.socket)) {
                CompletableFuture<Void> sending = trickle(slow, SIX_MB_LINE);
                for (int i = 0; i < 10; i++) {
                    assertStatusAnswers();
                    Processes.sleep(300);
                }
                String reply = slow.readAll(Duration.ofSeconds(40));
                assertTrue(reply.startsWith("HTTP/1.1 413") || reply.startsWith("HTTP/1.1 408"), reply);
                sending.get(20, TimeUnit.SECONDS);
            }
            assertStatusAnswers();
            assertNoViolation(watch.finish());
        }
        assertTrue(status().contains("last reload: ok"), status());
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedAndStatusAndMetricsNameIt() throws Exception {
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            writeRaw("latin1.yaml", "policies:\n  - name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
            eventually("the reload is rejected", () -> status().contains("rejected"));
            Processes.sleep(300);
            assertNoViolation(watch.finish());
        }
        assertTrue(status().contains("latin1.yaml:2:14: not UTF-8"), status());
        String metrics = metrics();
        assertTrue(metrics.contains("netfence_last_reload_success 0.0"), metrics);
        assertTrue(metrics.matches("(?s).*netfence_last_reload_error\\{file=\"[^\"]*/latin1\\.yaml\",position=\"2:14\"\\} 1\\.0.*"), metrics);
        assertTrue(metrics.matches("(?s).*netfence_reloads_total\\{result=\"rejected\"\\} [1-9].*"), metrics);
        assertTrue(agent.log().contains("latin1.yaml:2:14: not UTF-8"), agent.log());
    }

    /** 10,000 levels of flow nesting, one bracket a line, so that no line is over the length limit first. */
    private static String deeplyNested() {
        return "policies: [\n" + " [\n".repeat(9_999) + " ]\n".repeat(10_000);
    }

    @Test
    void tenThousandLevelsOfNestingAreRefusedInAFileAndThroughApply() throws Exception {
        Path deep = Files.createTempFile("nft-deep", ".yaml");
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            agent.writePolicy("deep.yaml", deeplyNested());
            eventually("the reload is rejected", () -> status().contains("rejected"));
            assertTrue(status().contains("deep.yaml:16:2: YAML syntax error: nested more than 16 levels deep"), status());
            Files.delete(agent.policies.resolve("deep.yaml"));
            eventually("the reload goes through again", () -> status().contains("last reload: ok"));

            Files.writeString(deep, deeplyNested());
            Result applied = netfence(Duration.ofSeconds(30), "apply", "-f", deep.toString());
            assertEquals(2, applied.exitCode(), applied.toString());
            assertTrue(applied.stderr().contains("nested more than 16 levels deep"), applied.stderr());
            assertStatusAnswers();
            assertNoViolation(watch.finish());
        } finally {
            Files.delete(deep);
        }
    }

    @Test
    void aCapacityRefusedApplyLeavesNothingAndSighupReloadsOk() throws Exception {
        // more port rules on one prefix than a port list holds (Abi.PORTLIST_MAX, 32): refused when compiled
        StringBuilder ports = new StringBuilder("policies:\n  - name: ports\n    target: " + cgroup + "\n    egress:\n");
        for (int port = 1; port <= 64; port++) {
            ports.append("      - deny 127.0.0.9:").append(port).append("/tcp\n");
        }
        Path file = Files.createTempFile("nft-ports", ".yaml");
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            Files.writeString(file, ports);
            Result applied = netfence(Duration.ofSeconds(30), "apply", "-f", file.toString());
            assertEquals(2, applied.exitCode(), applied.toString());
            assertTrue(applied.stderr().contains("policy 'ports'") && applied.stderr().contains("at most 32"), applied.stderr());
            try (Stream<Path> left = Files.exists(agent.apiPolicies) ? Files.list(agent.apiPolicies) : Stream.empty()) {
                assertEquals(List.of(), left.filter(p -> !p.getFileName().toString().startsWith(".")).toList(), "a refused apply leaves nothing");
            }
            String before = status();
            agent.signal("HUP");
            eventually("SIGHUP reloads, and the reload goes through", () -> {
                String now = status();
                return now.contains("last reload: ok") && !now.equals(before);
            });
            assertNoViolation(watch.finish());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void fiveHundredIdleConnectionsDoNotStopStatus() throws Exception {
        List<RawSocket> idle = new ArrayList<>();
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            for (int i = 0; i < 500; i++) {
                idle.add(RawSocket.connect(agent.socket));
            }
            for (int i = 0; i < 5; i++) {
                assertStatusAnswers();
            }
            Result status = netfence(Duration.ofSeconds(30), "status");
            assertEquals(0, status.exitCode(), status.toString());
            assertNoViolation(watch.finish());
        } finally {
            for (RawSocket client : idle) {
                client.close();
            }
        }
        agent.writePolicy("web.yaml", policy().replace("deny " + DENIED, "deny " + DENIED + "\n      - deny 127.0.0.4"));
        eventually("the agent still reloads", () -> Netfence.ok("list").stdout().contains("127.0.0.4"));
    }

    @Test
    void sigtermDuringASlowRequestStopsTheAgentWithinABoundAndThePoliciesStay() throws Exception {
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED); RawSocket slow = RawSocket.connect(agent.socket);
                RawSocket idle = RawSocket.connect(agent.socket)) {
            CompletableFuture<Void> sending = trickle(slow, SIX_MB_LINE);
            Processes.sleep(500);
            ProcessHandle process = ProcessHandle.of(agent.pid()).orElseThrow();
            long start = System.nanoTime();
            agent.signal("TERM");
            // the agent's own deadline is 2 s; 10 s tells a hang from a slow stop
            process.onExit().get(10, TimeUnit.SECONDS);
            System.out.println("HostileInputKernelTest: SIGTERM during a slow request: the agent exited after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
            sending.get(20, TimeUnit.SECONDS);
            Processes.sleep(500);
            assertNoViolation(watch.finish()); // the pins keep the policy after the agent is gone
        }
    }

    private static long rssKb(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }

    /** RSS after a full GC when jcmd is there to ask for one; -1 when it is not. */
    private long rssAfterFullGcKb(Path jcmd) throws IOException {
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        Result gc = Processes.run(List.of(jcmd.toString(), Long.toString(agent.pid()), "GC.run"), Duration.ofSeconds(30));
        assertEquals(0, gc.exitCode(), gc.toString());
        Processes.sleep(500);
        return rssKb(agent.pid());
    }

    @Test
    void rssAfterAFullGcStaysFarBelowTheUnitsMemoryMaxAfterHostileInput() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        long idle = rssAfterFullGcKb(jcmd);
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            // a policy file at the size limit (4 MiB) with one error at its end: parsed whole, then refused
            StringBuilder big = new StringBuilder("policies:\n  - name: big\n    target: " + cgroup + "\n    egress:\n");
            for (int i = 0; big.length() < 4 * 1024 * 1024 - 64; i++) {
                big.append("      - deny 10.").append((i >> 16) & 255).append('.').append((i >> 8) & 255).append('.').append(i & 255).append('\n');
            }
            big.append("      - deny nowhere\n");
            agent.writePolicy("big.yaml", big.toString());
            eventually("the big file is refused", () -> status().contains("big.yaml"));
            Files.delete(agent.policies.resolve("big.yaml"));
            eventually("the reload goes through again", () -> status().contains("last reload: ok"));
            // the same text just under the body limit through apply, a 6 MB body, 500 idle connections
            Path file = Files.createTempFile("nft-big", ".yaml");
            try {
                Files.writeString(file, big.substring(0, 4 * 1024 * 1024 - 200) + "\n      - deny nowhere\n");
                assertEquals(2, netfence(Duration.ofSeconds(60), "apply", "-f", file.toString()).exitCode());
            } finally {
                Files.delete(file);
            }
            try (RawSocket fast = RawSocket.connect(agent.socket)) {
                fast.send("POST /v1/policies HTTP/1.1\r\nHost: x\r\nContent-Length: " + SIX_MB_LINE.length + "\r\n\r\n");
                fast.send(SIX_MB_LINE);
                assertTrue(fast.readAll(STATUS_BOUND).startsWith("HTTP/1.1 413"));
            }
            List<RawSocket> connections = new ArrayList<>();
            try {
                for (int i = 0; i < 500; i++) {
                    connections.add(RawSocket.connect(agent.socket));
                }
                assertStatusAnswers();
            } finally {
                for (RawSocket client : connections) {
                    client.close();
                }
            }
            assertNoViolation(watch.finish());
        }
        long after = rssAfterFullGcKb(jcmd);
        if (after < 0) {
            System.out.println("HostileInputKernelTest: RSS after a full GC not measured: no jcmd at " + jcmd + " (agent RSS now "
                    + rssKb(agent.pid()) / 1024 + " MB, without a GC)");
            return;
        }
        Processes.sleep(25_000); // the agent trims an idle, mostly free heap every 5 s
        long settled = rssKb(agent.pid());
        System.out.println("HostileInputKernelTest: agent RSS after a full GC: idle " + idle / 1024 + " MB, after hostile input "
                + after / 1024 + " MB, 25 s later " + settled / 1024 + " MB (the unit's MemoryMax is 1024 MB)");
        assertTrue(after < 300 * 1024, "RSS after a full GC: " + after / 1024 + " MB");
        assertTrue(settled < idle + 64 * 1024, "RSS back near idle: " + settled / 1024 + " MB, idle " + idle / 1024 + " MB");
    }
}
