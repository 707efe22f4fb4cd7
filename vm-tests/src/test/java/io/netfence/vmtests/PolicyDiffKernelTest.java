package io.netfence.vmtests;

import static io.netfence.vmtests.fixtures.TestHost.TCP_PORT;
import static io.netfence.vmtests.fixtures.TestHost.UDP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The agent's flow history and {@code policy diff}: an enforced policy records what its cgroup
 * does, and a candidate that drops one of its three hosts is shown to deny exactly that host's flows.
 */
@KernelTest
class PolicyDiffKernelTest {
    private static final List<TestHost> hosts = new ArrayList<>();
    private static TestCgroups cgroups;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        for (int i = 0; i < 3; i++) {
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

    /** Runs a TCP probe in the cgroup until the agent has confined it (deny any: 127.0.0.2 refused). */
    private static void awaitConfined(String cgroup) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!cgroups.run(cgroup, Probe.command("tcp", "127.0.0.2", "1")).stdout().contains("EPERM")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(cgroup + " was not confined within 10 s");
            }
            Processes.sleep(20);
        }
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
            Path candidate = dir.resolve("quiet.rules");
            Files.writeString(candidate, "deny any\n");

            Result refused = diff(agent, candidate.toString(), "--policy", "quiet");

            assertEquals(2, refused.exitCode(), refused.toString());
            assertEquals(List.of("netfence: policy 'quiet' records no flows: to record the flows of every agent policy, set "
                    + "'flow_history: {enabled: true}' in the agent's config and restart the agent"), refused.stderrLines());
        }
    }
}
