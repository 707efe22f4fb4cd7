package io.netfence.vmtests;

import static io.netfence.vmtests.fixtures.TestHost.TCP_PORT;
import static io.netfence.vmtests.fixtures.TestHost.UDP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestCgroups;
import io.netfence.vmtests.fixtures.TestHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Learn mode: what a command did, written as a policy, then enforced. */
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

    /** Runs a TCP probe in the cgroup until the agent has confined it (127.0.0.2 denied), then the probes. */
    private static List<String> probeOnceConfined(String cgroup, String... probes) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!cgroups.run(cgroup, Probe.command("tcp", "127.0.0.2", "1")).stdout().contains("EPERM")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(cgroup + " was not confined within 10 s");
            }
            io.netfence.vmtests.fixtures.Processes.sleep(20);
        }
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
                io.netfence.vmtests.fixtures.Processes.sleep(50);
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
}
