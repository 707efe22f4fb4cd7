package io.netfence.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.Eventually;
import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Processes;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestCgroups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code netfence run} by a user without root, through the agent: traffic, exit codes and
 * signals as for root, escapes refused, access and limits, an agent restart mid-run, and the
 * caller's own policy still applying inside. The user is a uid no account has (65532). Runs start
 * as people start them, through bin/netfence: nf-sandbox's client asks the agent, without a JVM,
 * and leaves to the Java CLI (whose own client is tested here too) what it does not do itself.
 */
@KernelTest
class UnprivilegedRunKernelTest {
    private static final String USER = "65532";

    private TestCgroups cgroups;
    private TestAgent agent;
    private String session;

    @BeforeEach
    void setUp() {
        cgroups = TestCgroups.create();
        session = cgroups.create("session"); // where the user's shell lives
        agent = TestAgent.create().allowRuns("everyone", cgroups.root() + "/runs", 2, 50).start();
    }

    @AfterEach
    void tearDown() {
        agent.close();
        cgroups.close();
    }

    /** {@code netfence run ARGS} as the user, from the user's session cgroup, through bin/netfence. */
    private Result runAsUser(String... args) {
        return cgroups.run(session, asUserThroughLauncher(List.of(), args));
    }

    /** The command line of {@code netfence run ARGS} as the user, through bin/netfence, with environment settings first. */
    private List<String> asUserThroughLauncher(List<String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER, "--clear-groups", "env"));
        command.addAll(environment);
        List<String> run = new ArrayList<>(List.of("run", "--run-socket", agent.runSocket().toString()));
        run.addAll(List.of(args));
        command.addAll(Netfence.launcher(run.toArray(String[]::new)));
        return command;
    }

    private static String[] probe(String... probe) {
        List<String> args = new ArrayList<>(List.of("--"));
        args.addAll(Probe.command(probe));
        return args.toArray(String[]::new);
    }

    private static String[] concat(String[] a, String[] b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    @Test
    void aUserConfinesTheirOwnCommand() {
        Result r = runAsUser(concat(new String[] {"--deny", "127.0.0.2"}, probe("tcp", "127.0.0.2", "1", "+", "tcp", "127.0.0.3", "1")));

        assertEquals(List.of("error EPERM", "error ECONNREFUSED"), r.stdoutLines(), r.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("netfence: denied 1 time: 127.0.0.2:1/tcp (connect)"), r.stderr());
        assertEquals(List.of(), runsLeft(), "the run's cgroup is gone afterwards");
    }

    @Test
    void theJavaClientConfinesTheSameWay() {
        Result r = cgroups.run(session, asUserThroughLauncher(List.of("NETFENCE_CLIENT=off"),
                concat(new String[] {"--deny", "127.0.0.2"}, probe("tcp", "127.0.0.2", "1", "+", "tcp", "127.0.0.3", "1"))));

        assertEquals(List.of("error EPERM", "error ECONNREFUSED"), r.stdoutLines(), r.toString());
        assertTrue(r.stderr().contains("netfence: denied 1 time: 127.0.0.2:1/tcp (connect)"), r.stderr());
        assertEquals(List.of(), runsLeft(), "the run's cgroup is gone afterwards");
    }

    @Test
    void theLauncherAsksTheAgentWithoutAJvm() throws Exception {
        withStartedRun(":", "while [ ! -e \"$GATE/go\" ]; do sleep 0.05; done", (gate, run) -> {
            assertEquals("nf-sandbox", Files.readString(Path.of("/proc/" + run.pid() + "/comm")).strip(),
                    "the run's client is nf-sandbox, not a JVM");
            Files.createFile(gate.resolve("go"));
            assertEquals(0, run.waitFor());
        });
    }

    @Test
    void whatTheClientDoesNotDoTheJavaCliDoes() throws Exception {
        Result help = runAsUser("--help");
        assertEquals(0, help.exitCode(), help.toString());
        assertTrue(help.stdout().startsWith("Usage: netfence run"), help.toString());

        Result unknown = runAsUser("--bogus", "--", "/bin/true");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.stderr().contains("Unknown option: '--bogus'") && unknown.stderr().contains("netfence run --help"), unknown.stderr());

        Result badRule = runAsUser("--deny", "not-a-rule", "--", "/bin/true");
        assertEquals(2, badRule.exitCode(), badRule.toString());
        assertTrue(badRule.stderr().contains("--deny: invalid rule 'not-a-rule'"), badRule.stderr());

        Result notFound = runAsUser("--deny", "any", "--", "no-such-command-netfence");
        assertEquals(127, notFound.exitCode(), notFound.toString());
        assertTrue(notFound.stderr().contains("no-such-command-netfence: command not found"), notFound.stderr());

        Path gate = gate();
        try {
            Path rules = gate.resolve("rules");
            Files.writeString(rules, "deny 127.0.0.2\n");
            Result fromFile = runAsUser(concat(new String[] {"--rules-file", rules.toString()}, probe("tcp", "127.0.0.2", "1")));
            assertEquals(List.of("error EPERM"), fromFile.stdoutLines(), "a rules file is read by the CLI, as the user: " + fromFile);
        } finally {
            removeGate(gate);
        }
        assertEquals(List.of(), runsLeft());
    }

    @Test
    void signalsToTheClientReachTheCommand() throws Exception {
        withStartedRun("trap 'exit 7' TERM", "while :; do sleep 0.05; done", (gate, run) -> {
            Processes.check("kill", "-TERM", Long.toString(run.pid()));
            assertTrue(run.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(7, run.exitValue(), "SIGTERM went to the command, which exited 7 on it");
        });
    }

    @Test
    void aKilledClientTakesItsRunAlongAndTheNextRunReapsIt() throws Exception {
        withStartedRun(":", "exec sleep 60", (gate, run) -> {
            assertEquals(1, runsLeft().size());
            Path runDirectory = cgroups.directory(cgroups.root() + "/runs/uid-" + USER + "/" + runsLeft().get(0));
            Processes.check("kill", "-KILL", Long.toString(run.pid()));
            Eventually.holds("the command died with its client", () -> {
                try {
                    return Files.readString(runDirectory.resolve("cgroup.events")).contains("populated 0");
                } catch (java.io.IOException e) {
                    return true;
                }
            });
            assertEquals(1, runsLeft().size(), "nobody asked for the run's end");
        });
        assertEquals(0, runAsUser("--deny", "any", "--", "/bin/true").exitCode());
        assertEquals(List.of(), runsLeft(), "the next run of the user removed the abandoned one");
    }

    /** What a test does with a run that has started, and the directory it can leave files in. */
    private interface StartedRun {
        void check(Path gate, Process run) throws Exception;
    }

    /** {@link #startedRun}, then {@code check}; the run and its directory are gone afterwards. */
    private void withStartedRun(String first, String then, StartedRun check) throws Exception {
        Path gate = gate();
        try {
            Process run = startedRun(gate, first, then);
            try {
                check.check(gate, run);
            } finally {
                run.destroyForcibly();
            }
        } finally {
            removeGate(gate);
        }
    }

    /**
     * {@code netfence run --deny any -- sh -c "FIRST; touch $GATE/started; THEN"} as the user, once the
     * command has started; GATE names the test's directory to the script.
     */
    private Process startedRun(Path gate, String first, String then) {
        Process run = cgroups.spawn(session, asUserThroughLauncher(List.of(), "--deny", "any", "--", "/bin/sh", "-c",
                "GATE='" + gate + "'; " + first + "; touch \"$GATE/started\"; " + then));
        awaitFile(gate.resolve("started"));
        return run;
    }

    /** A directory the user may write, for a run to say it started. */
    private static Path gate() throws java.io.IOException {
        Path gate = Files.createTempDirectory("nft-gate");
        Files.setPosixFilePermissions(gate, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        return gate;
    }

    private static void removeGate(Path gate) throws java.io.IOException {
        try (var files = Files.list(gate)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(gate);
    }

    private static void awaitFile(Path file) {
        for (int i = 0; i < 400 && !Files.exists(file); i++) {
            Processes.sleep(25);
        }
        assertTrue(Files.exists(file), file + " appeared");
    }

    @Test
    void eventsShowAUserOnlyTheirOwnRuns() {
        String other = cgroups.create("someone-else");
        Netfence.ok("attach", "--cgroup", other, "--deny", "127.0.0.5");
        try {
            cgroups.run(other, Probe.command("tcp", "127.0.0.5", "1"));
            runAsUser(concat(new String[] {"--deny", "127.0.0.2"}, probe("tcp", "127.0.0.2", "1")));
            List<String> events = new ArrayList<>();
            Eventually.holds("the user's run's event is there", () -> {
                events.clear();
                events.addAll(asUser("events", "--run-socket", agent.runSocket().toString(), "--json").stdoutLines());
                return events.stream().anyMatch(e -> e.contains("127.0.0.2"));
            });
            Eventually.holds("root sees the other cgroup's event", () -> Processes.run(Netfence.command(
                    agent.netfence("events", "--json").toArray(String[]::new))).stdout().contains("127.0.0.5"));
            assertTrue(events.stream().noneMatch(e -> e.contains("127.0.0.5")), "another cgroup's denial is not the user's: " + events);
        } finally {
            Netfence.ok("detach", "--cgroup", other);
        }
    }

    private Result asUser(String... netfenceArgs) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER, "--clear-groups"));
        command.addAll(Netfence.command(netfenceArgs));
        return Processes.run(command);
    }

    @Test
    void exitCodesAndSignalsPassThrough() {
        assertEquals(3, runAsUser("--deny", "127.0.0.2", "--", "/bin/sh", "-c", "exit 3").exitCode());
        assertEquals(128 + 15, runAsUser("--deny", "127.0.0.2", "--", "/bin/sh", "-c", "kill -TERM $$").exitCode());
        Result id = runAsUser("--deny", "127.0.0.2", "--", "/usr/bin/id", "-u");
        assertEquals(USER, id.stdout().strip(), "the command runs as the user: " + id);
    }

    @Test
    void noNetworkWorksWithoutRoot() {
        Result r = runAsUser(concat(new String[] {"--no-network"}, probe("tcp", "127.0.0.1", "1", "+", "tcp", "127.0.0.2", "1")));
        assertEquals(List.of("error ECONNREFUSED", "error ECONNREFUSED"), r.stdoutLines(), "a loopback of its own: " + r);
    }

    @Test
    void theUserCannotLeaveOrWidenTheRun() {
        String elsewhere = cgroups.create("elsewhere");
        Files.isDirectory(cgroups.directory(elsewhere));
        String procs = cgroups.directory(elsewhere).resolve("cgroup.procs").toString();
        String sessionProcs = cgroups.directory(session).resolve("cgroup.procs").toString();
        Processes.check("chown", "-R", USER, cgroups.directory(session).toString()); // a session delegated to the user

        Result r = runAsUser(concat(new String[] {"--deny", "any"}, probe("move", procs, "+", "move", sessionProcs)));
        assertEquals(List.of("error EACCES", "error EACCES"), r.stdoutLines(),
                "neither into another cgroup nor back into the user's own delegated one: " + r);
        Result write = runAsUser("--deny", "any", "--", "/bin/sh", "-c",
                "echo 0 > " + cgroups.directory(cgroups.root() + "/runs").resolve("cgroup.procs") + " && echo wrote || echo refused");
        assertEquals("refused", write.stdout().strip(), write.toString());
    }

    @Test
    void theCallersOwnPolicyStillAppliesInside() {
        Netfence.ok("attach", "--cgroup", session, "--deny", "127.0.0.4");
        try {
            Result r = runAsUser(concat(new String[] {"--deny", "127.0.0.2"}, probe("tcp", "127.0.0.2", "1", "+", "tcp", "127.0.0.4", "1", "+",
                    "tcp", "127.0.0.3", "1")));
            assertEquals(List.of("error EPERM", "error EPERM", "error ECONNREFUSED"), r.stdoutLines(),
                    "the session's policy (deny .4) holds inside the run: " + r);
        } finally {
            Netfence.ok("detach", "--cgroup", session);
        }
    }

    @Test
    void rootsRunGoesThroughTheAgentToo() {
        agent.close(); // runs without root turned off: root is not bound by unprivileged_run
        agent = TestAgent.create().allowRuns("nobody", cgroups.root() + "/runs", 2, 50).start();
        Netfence.ok("attach", "--cgroup", session, "--deny", "127.0.0.4");
        try {
            String probe = String.join(" ", Probe.command("tcp", "127.0.0.2", "1", "+", "tcp", "127.0.0.4", "1", "+", "tcp", "127.0.0.3", "1"));
            Result r = cgroups.run(session, Netfence.launcher("run", "--run-socket", agent.runSocket().toString(), "--deny", "127.0.0.2",
                    "--", "/bin/sh", "-c", "grep ^0:: /proc/self/cgroup; " + probe));

            assertEquals(4, r.stdoutLines().size(), r.toString());
            assertTrue(r.stdoutLines().get(0).matches("0::" + cgroups.root() + "/runs/uid-0/run-[0-9]+"),
                    "the agent made the run's cgroup: " + r);
            assertEquals(List.of("error EPERM", "error EPERM", "error ECONNREFUSED"), r.stdoutLines().subList(1, 4),
                    "the run's rule and the session's policy (deny .4) both hold: " + r);
            assertTrue(r.stderr().contains("netfence: denied 2 times"), r.stderr());
            Path rootRuns = cgroups.directory(cgroups.root() + "/runs/uid-0");
            try (var left = Files.list(rootRuns)) {
                assertEquals(0, left.filter(Files::isDirectory).count(), "the run's cgroup is gone afterwards");
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } finally {
            Netfence.ok("detach", "--cgroup", session);
        }
    }

    @Test
    void limitsAndAccessAreEnforcedWithAClearReason() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add("--deny");
            many.add("127.0.1." + i);
        }
        many.add("--");
        many.add("/bin/true");
        Result tooMany = runAsUser(many.toArray(String[]::new));
        assertEquals(2, tooMany.exitCode(), tooMany.toString());
        assertTrue(tooMany.stderr().contains("at most 50 rules (max_rules)"), tooMany.stderr());

        agent.close();
        agent = TestAgent.create().allowRuns("group netfence-nonexistent", cgroups.root() + "/runs", 2, 50).start();
        Result refused = runAsUser("--deny", "any", "--", "/bin/true");
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("for the members of group 'netfence-nonexistent'"), refused.stderr());
    }

    @Test
    void withoutAnAgentAUserIsToldHowToEnableIt() {
        agent.close();
        Result r = runAsUser("--deny", "any", "--", "/bin/true");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.stderrLines().size(), r.toString());
        assertTrue(r.stderr().contains("needs the netfence agent") && r.stderr().contains("systemctl enable --now netfence"), r.stderr());
    }

    @Test
    void anAgentRestartDuringARunLeavesItConfined() throws Exception {
        Path gate = gate();
        Path go = gate.resolve("go");
        String probe = String.join(" ", Probe.command("tcp", "127.0.0.2", "1"));
        List<String> command = asUserThroughLauncher(List.of(), "--deny", "127.0.0.2", "--",
                "/bin/sh", "-c", "touch " + gate.resolve("started") + "; while [ ! -e " + go + " ]; do sleep 0.05; done; " + probe);
        Process run = cgroups.spawn(session, command);
        try {
            awaitFile(gate.resolve("started"));
            assertEquals(1, runsLeft().size(), "the run started");
            agent.kill();
            agent.start();
            Files.createFile(go);
            Result r = Processes.finish(run, java.time.Duration.ofSeconds(30), System.nanoTime(), command);
            assertEquals("error EPERM", r.stdout().strip(), "still confined after the agent restarted: " + r);
            assertTrue(r.stderr().contains("netfence: denied 1 time"), "the new agent ends the run: " + r);
        } finally {
            run.destroyForcibly();
            removeGate(gate);
        }
    }

    private List<String> runsLeft() {
        Path tree = cgroups.directory(cgroups.root() + "/runs/uid-" + USER);
        if (!Files.isDirectory(tree)) {
            return List.of();
        }
        try (var runs = Files.list(tree)) {
            return runs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
