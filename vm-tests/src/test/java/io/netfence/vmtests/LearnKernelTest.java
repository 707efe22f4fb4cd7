package io.netfence.vmtests;

import static io.netfence.vmtests.fixtures.TestHost.TCP_PORT;
import static io.netfence.vmtests.fixtures.TestHost.UDP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Processes;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestCgroups;
import io.netfence.vmtests.fixtures.TestHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learn mode: what a command did, written as a policy, then enforced. Flow history: an enforced
 * policy records what its cgroup does, and {@code policy diff} shows what a candidate would change.
 */
@KernelTest
class LearnKernelTest {
    private static final List<TestHost> hosts = new ArrayList<>();
    private static TestCgroups cgroups;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        for (int i = 0; i < 4; i++) {
            hosts.add(TestHost.start());
        }
        cgroups = TestCgroups.create();
    }

    @AfterAll
    static void stop() {
        if (cgroups != null) {
            cgroups.close();
        }
        hosts.forEach(TestHost::close);
    }

    /** TCP to the first host, UDP to the second, a ping to the third (a ping socket, no privilege). */
    private static List<String> threeHosts() {
        return List.of("tcp", hosts.get(0).peerV4, "" + TCP_PORT, "learned-tcp", "+", "udp", hosts.get(1).peerV4, "" + UDP_PORT,
                "learned-udp", "+", "ping", hosts.get(2).peerV4);
    }

    private static Result run(List<String> options, List<String> probes) {
        // --keep-privileges: what is learned and enforced is the same either way, and in the qemu guests
        // (chroot) nf-sandbox cannot create its user namespace
        List<String> args = new ArrayList<>(List.of("run", "--keep-privileges", "--cgroup-parent", cgroups.root()));
        args.addAll(options);
        args.add("--");
        args.addAll(Probe.command(probes.toArray(String[]::new)));
        return Netfence.run(args.toArray(String[]::new));
    }

    @Test
    void learnedRulesLetTheSameWorkRunWithZeroDenialsAndDenyANewDestination() throws IOException {
        Path rules = dir.resolve("learned.rules");
        List<String> expected = List.of("echo learned-tcp", "sent reply", "reply");

        Result learned = run(List.of("--learn", "--out", rules.toString()), threeHosts());
        assertEquals(expected, learned.stdoutLines(), learned.toString());
        String text = Files.readString(rules);
        assertTrue(text.contains("\ndeny any\n"), text);
        assertTrue(text.contains("\nallow " + hosts.get(0).peerV4 + ":" + TCP_PORT + "/tcp "), text);
        assertTrue(text.contains("\nallow " + hosts.get(1).peerV4 + ":" + UDP_PORT + "/udp "), text);
        assertTrue(text.contains("\nallow " + hosts.get(2).peerV4 + "/icmp "), text);
        assertTrue(text.contains("\ningress-allow " + hosts.get(0).peerV4 + ":32768-65535/tcp "), text);
        assertTrue(text.contains("\ningress-allow " + hosts.get(1).peerV4 + ":32768-65535/udp "), text);
        assertTrue(text.contains("\ningress-allow " + hosts.get(2).peerV4 + "/icmp "), text);
        assertFalse(text.contains(hosts.get(3).peerV4), text);

        Result enforced = run(List.of("--rules-file", rules.toString()), threeHosts());
        assertEquals(expected, enforced.stdoutLines(), enforced + "\n" + text);
        assertEquals("", enforced.stderr(), enforced + "\n" + text); // no denial summary: zero denials

        List<String> withFourth = new ArrayList<>(threeHosts());
        withFourth.addAll(List.of("+", "tcp", hosts.get(3).peerV4, "" + TCP_PORT, "not-learned"));
        Result fourth = run(List.of("--rules-file", rules.toString()), withFourth);
        assertEquals(List.of("echo learned-tcp", "sent reply", "reply", "error EPERM"), fourth.stdoutLines(), fourth.toString());
        assertEquals(List.of("netfence: denied 1 time: " + hosts.get(3).peerV4 + ":" + TCP_PORT + "/tcp (connect)"),
                fourth.stderrLines(), fourth.toString());
    }

    /** Runs a TCP probe in the cgroup until the agent has confined it (127.0.0.2 denied). */
    private static void awaitConfined(String cgroup) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!cgroups.run(cgroup, Probe.command("tcp", "127.0.0.2", "1")).stdout().contains("EPERM")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(cgroup + " was not confined within 10 s");
            }
            Processes.sleep(20);
        }
    }

    /** The probes, once the agent has confined the cgroup. */
    private static List<String> probeOnceConfined(String cgroup, String... probes) {
        awaitConfined(cgroup);
        return cgroups.run(cgroup, Probe.command(probes)).stdoutLines();
    }

    @Test
    void learningAGlobThroughTheAgentCoversCgroupsThatComeAndGoAndChangesNothingTheyMayDo() throws Exception {
        Path out = dir.resolve("svc.rules");
        try (TestAgent agent = TestAgent.create()) {
            agent.writePolicy("svc.yaml", "policies:\n  - name: svc\n    target: " + cgroups.root() + "/svc-*\n"
                    + "    egress: [deny 127.0.0.2]\n");
            agent.start();
            Process learn = new ProcessBuilder(Netfence.command("learn", "--target", cgroups.root() + "/svc-*", "--for", "30s",
                    "--out", out.toString(), "--socket", agent.socket.toString())).redirectErrorStream(true).start();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (!agent.api().get("/v1/policies").body().contains("\"learn-")) {
                assertTrue(System.nanoTime() < deadline && learn.isAlive(), "the learn policy was never applied");
                Processes.sleep(50);
            }

            String first = cgroups.create("svc-1");
            assertEquals(List.of("error ECONNREFUSED"), probeOnceConfined(first, "tcp", "127.0.0.3", "1"));
            Files.delete(cgroups.directory(first));
            String second = cgroups.create("svc-2");
            assertEquals(List.of("error ECONNREFUSED", "error EPERM"),
                    probeOnceConfined(second, "tcp", "127.0.0.4", "1", "+", "tcp", "127.0.0.2", "1"));
            Files.delete(cgroups.directory(second));

            assertTrue(learn.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "learn did not end");
            String log = new String(learn.getInputStream().readAllBytes());
            assertEquals(0, learn.exitValue(), log + agent.log());
            String text = Files.readString(out);
            assertTrue(text.contains("\nallow 127.0.0.3:1/tcp "), text);
            assertTrue(text.contains("\nallow 127.0.0.4:1/tcp "), text);
            assertTrue(text.contains("\n# allow 127.0.0.2:1/tcp "), text); // denied by the policy in force: not allowed
            assertTrue(text.contains("denied by a policy in force"), text);
            assertFalse(Netfence.run("policies", "--socket", agent.socket.toString()).stdout().contains("learn-"));
        }
    }

    @Test
    void learningUnderAuditedRulesBlocksNothingAndSaysWhatTheyWouldDeny() throws IOException {
        Path rules = dir.resolve("audited.rules");
        Result learned = run(List.of("--learn", "--out", rules.toString(), "--deny", hosts.get(1).peerV4), threeHosts());

        assertEquals(List.of("echo learned-tcp", "sent reply", "reply"), learned.stdoutLines(), learned.toString());
        assertTrue(learned.stderr().contains("audit: would have denied"), learned.toString());
        assertTrue(Files.readString(rules).contains("\nallow " + hosts.get(1).peerV4 + ":" + UDP_PORT + "/udp "));
    }

    /** The rules that let the probes reach TCP on the first host, UDP on the second, ping the third. */
    private static String rules(boolean withSecondHost, String indent) {
        String tcp = hosts.get(0).peerV4;
        String udp = hosts.get(1).peerV4;
        String icmp = hosts.get(2).peerV4;
        return indent + "egress: [deny any, allow " + tcp + ":" + TCP_PORT + "/tcp, "
                + (withSecondHost ? "allow " + udp + ":" + UDP_PORT + "/udp, " : "") + "allow " + icmp + "/icmp]\n"
                + indent + "ingress: [deny any, allow " + tcp + ":32768-65535/tcp, "
                + (withSecondHost ? "allow " + udp + ":32768-65535/udp, " : "") + "allow " + icmp + "/icmp]\n";
    }

    private static Result diff(TestAgent agent, String... args) {
        List<String> command = new ArrayList<>(List.of("policy", "diff"));
        command.addAll(List.of(args));
        command.addAll(List.of("--socket", agent.socket.toString()));
        return Netfence.run(command.toArray(String[]::new));
    }

    @Test
    void aCandidateThatDropsAHostIsShownToDenyExactlyThatHostsFlows() throws IOException {
        String svc = cgroups.create("svc");
        try (TestAgent agent = TestAgent.create()) {
            agent.configure("flow_history:\n  enabled: true\n  max_age: 1h\n");
            // two policies on one cgroup: each one's records must be whole, not only the first slot's
            agent.writePolicy("svc.yaml", "policies:\n  - name: svc\n    target: " + svc + "\n" + rules(true, "    ")
                    + "  - name: extra\n    target: " + svc + "\n    egress: [allow any]\n");
            agent.start();
            awaitConfined(svc);

            List<String> probes = Probe.command("tcp", hosts.get(0).peerV4, "" + TCP_PORT, "to-tcp", "+", "udp", hosts.get(1).peerV4,
                    "" + UDP_PORT, "to-udp", "+", "ping", hosts.get(2).peerV4);
            assertEquals(List.of("echo to-tcp", "sent reply", "reply"), cgroups.run(svc, probes).stdoutLines());

            Path same = dir.resolve("same.yaml");
            Files.writeString(same, "policies:\n  - name: svc\n    target: " + svc + "\n" + rules(true, "    "));
            Result unchanged = diff(agent, same.toString(), "--since", "1h");
            assertEquals(0, unchanged.exitCode(), unchanged + agent.log());

            Path candidate = dir.resolve("candidate.yaml");
            Files.writeString(candidate, "policies:\n  - name: svc\n    target: " + svc + "\n" + rules(false, "    "));
            Result dropped = diff(agent, candidate.toString(), "--since", "1h");
            assertEquals(1, dropped.exitCode(), dropped + agent.log());
            List<String> lines = dropped.stdoutLines();
            assertTrue(lines.get(0).startsWith("policy svc: " + candidate + " against the policy in force, on flows seen since "),
                    dropped.toString());
            assertEquals("would deny, allowed now (2):", lines.get(1), dropped.toString());
            assertTrue(lines.get(2).startsWith("  egress  " + hosts.get(1).peerV4 + ":" + UDP_PORT + "/udp "), dropped.toString());
            assertTrue(lines.get(3).startsWith("  ingress " + hosts.get(1).peerV4 + ":32768-65535/udp "), dropped.toString());
            assertEquals("would allow, denied now (0)", lines.get(4), dropped.toString());
            assertTrue(lines.get(5).matches("agree: [0-9]+ flows of [0-9]+"), dropped.toString());
            String[] agree = lines.get(5).replaceAll("[^0-9 ]", "").trim().split(" +");
            assertEquals(Integer.parseInt(agree[1]) - 2, Integer.parseInt(agree[0]), dropped.toString());

            Path narrower = dir.resolve("extra.rules");
            Files.writeString(narrower, "allow any\ndeny " + hosts.get(0).peerV4 + "\n");
            Result extra = diff(agent, narrower.toString(), "--policy", "extra");
            assertEquals(1, extra.exitCode(), extra + agent.log());
            assertTrue(extra.stdout().contains("would deny, allowed now (1):\n  egress  " + hosts.get(0).peerV4 + ":" + TCP_PORT + "/tcp "),
                    extra.toString());

            Result status = Netfence.run("status", "--socket", agent.socket.toString());
            assertTrue(status.stdout().contains("flow history: on, max age 1h; "), status.toString());
            assertTrue(status.stdout().contains("the flow map holds 65536 flows in "), status.toString());
        }
    }

    @Test
    void withoutFlowHistoryAnEnforcedPolicyRecordsNothingAndDiffSaysHowToTurnItOn() throws IOException {
        String quiet = cgroups.create("quiet");
        try (TestAgent agent = TestAgent.create()) {
            agent.writePolicy("quiet.yaml", "policies:\n  - name: quiet\n    target: " + quiet + "\n" + rules(true, "    "));
            agent.start();
            awaitConfined(quiet);
            List<String> probes = Probe.command("tcp", hosts.get(0).peerV4, "" + TCP_PORT, "to-tcp", "+", "udp", hosts.get(1).peerV4,
                    "" + UDP_PORT, "to-udp");
            assertEquals(List.of("echo to-tcp", "sent reply"), cgroups.run(quiet, probes).stdoutLines());
            String recorded = agent.api().get("/v1/flows/quiet").body();
            assertTrue(recorded.contains("\"flows\":[]"), "the kernel recorded nothing for the enforced policy: " + recorded);
            Path candidate = dir.resolve("quiet.rules");
            Files.writeString(candidate, "deny any\n");

            Result refused = diff(agent, candidate.toString(), "--policy", "quiet");

            assertEquals(2, refused.exitCode(), refused.toString());
            assertEquals(List.of("netfence: policy 'quiet' records no flows: to record the flows of every agent policy, set "
                    + "'flow_history: {enabled: true}' in the agent's config and restart the agent"), refused.stderrLines());
        }
    }
}
