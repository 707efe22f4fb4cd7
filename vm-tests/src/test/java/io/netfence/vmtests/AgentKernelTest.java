package io.netfence.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.api.ApiClient;
import io.netfence.vmtests.fixtures.Eventually;
import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.ProbeSession;
import io.netfence.vmtests.fixtures.Processes;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent against the real kernel. All traffic is on loopback: 127.0.0.2-5, port 1 (closed). */
@KernelTest
class AgentKernelTest {
    private TestCgroups cgroups;
    private TestAgent agent;

    @BeforeEach
    void setUp() {
        cgroups = TestCgroups.create();
        agent = TestAgent.create();
    }

    @AfterEach
    void tearDown() {
        agent.close();
        cgroups.close();
    }

    private String policy(String name, String target, String... egress) {
        return "policies:\n  - name: " + name + "\n    target: " + target + "\n    egress: [" + String.join(", ", egress) + "]\n";
    }

    private static void eventually(String what, BooleanSupplier condition) {
        Eventually.holds(what, condition);
    }

    private static String connect(ProbeSession session, String address) {
        return session.ask("tcp " + address + " 1");
    }

    @Test
    void aPolicyConfinesAnExistingCgroupWithRunningProcesses() {
        String cgroup = cgroups.create("web");
        try (ProbeSession web = ProbeSession.start(cgroups, cgroup, "ready", "repl")) {
            assertEquals("error ECONNREFUSED", connect(web, "127.0.0.2"));
            agent.writePolicy("web.yaml", policy("web", cgroup, "deny 127.0.0.2"));

            agent.start();

            assertEquals("error EPERM", connect(web, "127.0.0.2"));
            assertEquals("error ECONNREFUSED", connect(web, "127.0.0.3"));
        }
    }

    @Test
    void cgroupsCreatedLaterAreConfinedAsTheyAppearAndAgainWhenRecreated() {
        agent.writePolicy("svc.yaml", policy("svc", cgroups.root() + "/svc-*", "deny 127.0.0.2"));
        agent.start();

        String cgroup = cgroups.create("svc-1");
        eventually("svc-1 is enforced", () -> enforced(cgroup));
        Result first = cgroups.run(cgroup, io.netfence.vmtests.fixtures.Probe.command("tcp", "127.0.0.2", "1"));
        assertEquals("error EPERM", first.stdout().strip(), first.toString());

        io.netfence.vmtests.fixtures.Residue.removeCgroup(cgroups.directory(cgroup));
        cgroups.create("svc-1"); // a restarted service: same path, new cgroup id
        eventually("the re-created svc-1 is enforced", () -> enforced(cgroup));
        Result again = cgroups.run(cgroup, io.netfence.vmtests.fixtures.Probe.command("tcp", "127.0.0.2", "1"));
        assertEquals("error EPERM", again.stdout().strip(), again.toString());

        String other = cgroups.create("other-1");
        Processes.sleep(500);
        assertFalse(enforced(other), "a cgroup the glob does not match is left alone");
    }

    @Test
    void unitTargetsMatchTheUnitsCgroupWhereverItIs() {
        String unit = cgroups.create("some.slice/payments.service");
        agent.writePolicy("payments.yaml", policy("payments", "payments.service", "deny 127.0.0.2"));
        agent.start();

        eventually("payments.service is enforced", () -> enforced(unit));
        Result r = cgroups.run(unit, io.netfence.vmtests.fixtures.Probe.command("tcp", "127.0.0.2", "1"));
        assertEquals("error EPERM", r.stdout().strip(), r.toString());
    }

    @Test
    void severalPoliciesOnOneCgroupMustAllAllow() {
        String cgroup = cgroups.create("shared");
        agent.writePolicy("a.yaml", policy("a", cgroup, "deny 127.0.0.2"));
        agent.writePolicy("b.yaml", policy("b", cgroups.root() + "/*", "deny 127.0.0.3"));
        agent.start();

        Result r = cgroups.run(cgroup, io.netfence.vmtests.fixtures.Probe.command("tcp", "127.0.0.2", "1", "+",
                "tcp", "127.0.0.3", "1", "+", "tcp", "127.0.0.4", "1"));
        assertEquals(List.of("error EPERM", "error EPERM", "error ECONNREFUSED"), r.stdoutLines(), r.toString());
    }

    @Test
    void fileChangesAndSighupReloadThePolicy() throws IOException {
        String cgroup = cgroups.create("web");
        agent.writePolicy("web.yaml", policy("web", cgroup, "deny 127.0.0.2"));
        agent.start();
        try (ProbeSession web = ProbeSession.start(cgroups, cgroup, "ready", "repl")) {
            assertEquals("error EPERM", connect(web, "127.0.0.2"));

            agent.writePolicy("web.yaml", policy("web", cgroup, "deny 127.0.0.3"));
            eventually("the edited file is in force", () -> connect(web, "127.0.0.3").equals("error EPERM"));
            assertEquals("error ECONNREFUSED", connect(web, "127.0.0.2"));

            String before = health();
            agent.signal("HUP");
            eventually("SIGHUP reloads", () -> !health().equals(before));
            assertTrue(agent.log().contains("SIGHUP: reloading policies."), agent.log());
        }
    }

    private String health() {
        try {
            return agent.api().get("/v1/health").body();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void invalidFilesAreRejectedWithFileAndLineAndThePolicyInForceStays() throws IOException {
        String cgroup = cgroups.create("web");
        agent.writePolicy("web.yaml", policy("web", cgroup, "deny 127.0.0.2"));
        agent.start();
        String[][] cases = {
            {"policies:\n  - name: web\n    target: [unclosed\n", "web.yaml:4:1: YAML syntax error"},
            {policy("web", cgroup, "deny 127.0.0.300"), "web.yaml:4:14: invalid rule '127.0.0.300'"},
            {policy("web", cgroup, "deny 127.0.0.3").replace("egress", "egres"), "web.yaml:4:5: unknown key 'egres'"},
            {policy("web", "nothing-matches", "deny 127.0.0.3"), "web.yaml:3:13: target 'nothing-matches' is neither"},
        };
        for (String[] c : cases) {
            agent.writePolicy("web.yaml", c[0]);
            eventually("the bad file is rejected: " + c[1], () -> agent.log().contains(c[1]));
            Result status = Processes.run(Netfence.command(agent.netfence("status").toArray(String[]::new)));
            assertTrue(status.stdout().contains("rejected, the policies in force stayed in force"), status.toString());
            Result r = cgroups.run(cgroup, io.netfence.vmtests.fixtures.Probe.command("tcp", "127.0.0.2", "1", "+", "tcp", "127.0.0.3", "1"));
            assertEquals(List.of("error EPERM", "error ECONNREFUSED"), r.stdoutLines(), "the old policy holds after " + c[1]);
        }
        agent.writePolicy("web.yaml", policy("web", cgroup, "deny 127.0.0.2"));
        agent.writePolicy("dup.yaml", policy("web", cgroup, "deny 127.0.0.3"));
        eventually("duplicate names are rejected", () -> agent.log().contains("duplicate policy name 'web'"));

        Path bad = Files.createTempFile(agent.home, "bad", ".yaml");
        Files.writeString(bad, policy("other", cgroup, "allow 127.0.0.2:99999"));
        Result applied = Processes.run(Netfence.command(agent.netfence("apply", "-f", bad.toString()).toArray(String[]::new)));
        assertEquals(2, applied.exitCode(), applied.toString());
        assertTrue(applied.stderr().startsWith("netfence: " + bad + ":4:14: invalid rule '127.0.0.2:99999'"), applied.stderr());
    }

    @Test
    void applyAndDeleteThroughTheApi() throws IOException {
        String cgroup = cgroups.create("api");
        agent.start();
        Path file = Files.createTempFile(agent.home, "p", ".yaml");
        Files.writeString(file, policy("from-api", cgroup, "deny 127.0.0.4"));

        Result applied = Processes.run(Netfence.command(agent.netfence("apply", "-f", file.toString()).toArray(String[]::new)));
        assertEquals(0, applied.exitCode(), applied.toString());
        Result listed = Processes.run(Netfence.command(agent.netfence("policies").toArray(String[]::new)));
        assertTrue(listed.stdout().contains("from-api  target " + cgroup) && listed.stdout().contains("cgroups: " + cgroup), listed.toString());
        Result r = cgroups.run(cgroup, io.netfence.vmtests.fixtures.Probe.command("tcp", "127.0.0.4", "1"));
        assertEquals("error EPERM", r.stdout().strip());

        Result deleted = Processes.run(Netfence.command(agent.netfence("delete", "from-api").toArray(String[]::new)));
        assertEquals(0, deleted.exitCode(), deleted.toString());
        assertFalse(enforced(cgroup), "a cgroup no policy targets any more is released");
        Result missing = Processes.run(Netfence.command(agent.netfence("delete", "from-api").toArray(String[]::new)));
        assertEquals(List.of("netfence: no policy named 'from-api'"), missing.stderrLines());
    }

    @Test
    void theCliSaysClearlyWhenNoAgentRuns() {
        Result r = Processes.run(Netfence.command(agent.netfence("status").toArray(String[]::new)));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().startsWith("netfence: no netfence agent is running (no socket at " + agent.socket), r.stderr());
    }

    @Test
    void aKilledAgentLeavesEnforcementAndANewOneAdoptsItWithoutAGap() throws Exception {
        String cgroup = cgroups.create("web");
        agent.writePolicy("web.yaml", policy("web", cgroup, "deny 127.0.0.2"));
        agent.start();
        try (Watch watch = Watch.start(cgroups, cgroup, "127.0.0.2", "127.0.0.3")) {
            agent.kill();
            Processes.sleep(500);
            agent.start(); // adopts the pinned state, re-applies the files and swaps atomically
            agent.writePolicy("web.yaml", policy("web", cgroup, "deny 127.0.0.2", "deny 127.0.0.4"));
            eventually("the new agent applies changes", () -> agent.log().lines().filter(l -> l.contains("Applied 1 policies")).count() >= 3);
            Watch.Outcome outcome = watch.finish();
            assertTrue(outcome.attempts() > 50, outcome.toString());
            assertEquals(0, outcome.deniedAllowed(), "127.0.0.2 was reachable while the agent was dead or restarting: " + outcome);
            assertEquals(0, outcome.allowedDenied(), outcome.toString());
        }
    }

    @Test
    void policySwapsAreAtomicUnderContinuousTraffic() throws Exception {
        String cgroup = cgroups.create("web");
        // the only policy on the cgroup: both versions deny .2 and allow .3, and differ elsewhere
        String oldPolicy = policy("swap", cgroup, "deny 127.0.0.2", "deny 127.0.0.4");
        String newPolicy = policy("swap", cgroup, "deny 127.0.0.2", "deny 127.0.0.5");
        agent.start();
        ApiClient api = agent.api();
        assertEquals(200, api.post("/v1/policies", "old", oldPolicy).status());
        int swaps = 40;
        try (Watch watch = Watch.start(cgroups, cgroup, "127.0.0.2", "127.0.0.3")) {
            for (int i = 0; i < swaps; i++) {
                ApiClient.Reply reply = api.post("/v1/policies", "swap-" + i, i % 2 == 0 ? newPolicy : oldPolicy);
                assertEquals(200, reply.status(), reply.body());
            }
            Watch.Outcome outcome = watch.finish();
            System.out.println("AgentKernelTest: " + swaps + " swaps under traffic: " + outcome);
            assertTrue(outcome.attempts() > 100, outcome.toString());
            assertEquals(0, outcome.deniedAllowed(), "a destination both policies deny was allowed: " + outcome);
            assertEquals(0, outcome.allowedDenied(), "a destination both policies allow was denied: " + outcome);
        }
    }

    @Test
    void waitInAServicesCgroupReturnsOnceTheAgentConfinedIt() {
        agent.writePolicy("svc.yaml", policy("svc", cgroups.root() + "/svc-*", "deny 127.0.0.2"));
        agent.start();
        String cgroup = cgroups.create("svc-1");
        String untargeted = cgroups.create("other");

        // as systemd's ExecStartPre would: netfence runs inside the unit's cgroup, then the service does
        Result waited = cgroups.run(cgroup, List.of("/bin/sh", "-c", String.join(" ", Netfence.command("wait", "--timeout", "10"))
                + " && exec " + String.join(" ", io.netfence.vmtests.fixtures.Probe.command("tcp", "127.0.0.2", "1"))));
        assertEquals(0, waited.exitCode(), waited.toString());
        assertEquals("error EPERM", waited.stdout().strip(), "the service's first connect is already policed");

        Result timedOut = cgroups.run(untargeted, Netfence.command("wait", "--timeout", "0.5"));
        assertEquals(1, timedOut.exitCode(), timedOut.toString());
        assertTrue(timedOut.stderr().contains("is not enforced after 0.5 s: netfence is not attached to it"), timedOut.stderr());
    }

    @Test
    void aRemovedCgroupIsReleased() {
        String cgroup = cgroups.create("gone");
        agent.writePolicy("gone.yaml", policy("gone", cgroups.root() + "/gone*", "deny 127.0.0.2"));
        agent.start();
        eventually("enforced", () -> enforced(cgroup));
        long id = cgroupId(cgroup);

        io.netfence.vmtests.fixtures.Residue.removeCgroup(cgroups.directory(cgroup));

        eventually("its pins are released", () -> !Files.exists(Path.of("/sys/fs/bpf/netfence/v" + io.netfence.agent.datapath.abi.Abi.VERSION + "/cgroups/" + id)));
        eventually("its record is released", () -> !Files.exists(Path.of("/run/netfence/cgroups/" + id + ".properties")));
    }

    private boolean enforced(String cgroup) {
        Path pins = Path.of("/sys/fs/bpf/netfence/v" + io.netfence.agent.datapath.abi.Abi.VERSION + "/cgroups/" + cgroupId(cgroup));
        return Files.exists(pins.resolve("nf_skb_ingress"));
    }

    private long cgroupId(String cgroup) {
        try {
            return ((Number) Files.getAttribute(cgroups.directory(cgroup), "unix:ino")).longValue();
        } catch (IOException e) {
            return -1;
        }
    }

}
