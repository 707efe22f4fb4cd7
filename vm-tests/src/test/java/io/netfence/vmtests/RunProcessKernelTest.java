package io.netfence.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Processes;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Residue;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestCgroups;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code netfence run} as a process: exit codes, signals, stdio, its cgroup, and cleanup. */
@KernelTest
class RunProcessKernelTest {
    private TestCgroups cgroups;

    @BeforeEach
    void createCgroups() {
        cgroups = TestCgroups.create();
    }

    @AfterEach
    void removeCgroups() {
        cgroups.close();
    }

    private List<String> run(String... command) {
        List<String> args = new ArrayList<>(List.of("run", "--cgroup-parent", cgroups.root(), "--deny", "any", "--"));
        args.addAll(List.of(command));
        return Netfence.command(args.toArray(String[]::new));
    }

    private List<String> childCgroups() {
        try (Stream<Path> dirs = Files.list(cgroups.directory(cgroups.root()))) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Alive and not a zombie (this host's init may be slow to reap orphans). */
    private static boolean running(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .noneMatch(l -> l.startsWith("State:") && l.contains("Z (zombie)"));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void exitCodeIsTheCommands() {
        Result r = Processes.run(run("/bin/sh", "-c", "exit 7"));

        assertEquals(7, r.exitCode(), r.toString());
        assertEquals("", r.stderr(), "nothing was denied, so netfence says nothing");
    }

    @Test
    void commandKilledBySignalGives128PlusTheSignal() {
        Result r = Processes.run(run("/bin/sh", "-c", "kill -KILL $$"));

        assertEquals(128 + 9, r.exitCode(), r.toString());
    }

    @Test
    void stdinAndStdoutPassThrough() throws Exception {
        Process p = new ProcessBuilder(run("/bin/cat")).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("through the fence\n".getBytes(StandardCharsets.UTF_8));
        }
        Result r = Processes.finish(p, Duration.ofSeconds(30), System.nanoTime(), List.of("cat"));

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("through the fence\n", r.stdout());
    }

    @Test
    void sigtermToNetfenceReachesTheCommand() throws Exception {
        Process p = new ProcessBuilder(run("/bin/sh", "-c",
                "trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 0.05; done")).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());

        Processes.check("kill", "-TERM", Long.toString(p.pid())); // to netfence, not to the command
        Result r = Processes.finish(p, Duration.ofSeconds(30), System.nanoTime(), List.of("sh"));

        assertEquals(42, r.exitCode(), r.toString());
        assertEquals("got-term", r.stdout().strip());
    }

    @Test
    void sigintToNetfenceWithoutATerminalReachesTheCommand() throws Exception {
        Process p = new ProcessBuilder(run("/bin/sh", "-c",
                "trap 'echo got-int; exit 43' INT; echo ready; while :; do sleep 0.05; done")).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());

        Processes.check("kill", "-INT", Long.toString(p.pid()));
        Result r = Processes.finish(p, Duration.ofSeconds(30), System.nanoTime(), List.of("sh"));

        assertEquals(43, r.exitCode(), r.toString());
        assertEquals("got-int", r.stdout().strip());
    }

    @Test
    void commandRunsInItsOwnCgroupUnderTheParent() {
        Result r = Processes.run(run("/bin/cat", "/proc/self/cgroup"));

        assertEquals(0, r.exitCode(), r.toString());
        String line = r.stdoutLines().stream().filter(l -> l.startsWith("0::")).findFirst().orElseThrow();
        assertTrue(line.matches("0::" + cgroups.root() + "/netfence-run-[0-9]+"), line);
    }

    @Test
    void afterTheCommandTheCgroupPinsAndLeftoverProcessesAreGone() {
        String marker = "300." + ProcessHandle.current().pid(); // the command's pids are of its own namespace: find it by name
        Result r = Processes.run(run("/bin/sh", "-c", "sleep " + marker + " & echo started"));

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", Processes.run(List.of("pgrep", "-f", "sleep " + marker)).stdout().strip(),
                "a process the command left behind is killed with the cgroup");
        assertEquals(List.of(), childCgroups(), "the transient cgroup is removed");
        assertFalse(Files.exists(Residue.PINS), "no pins remain when nothing is confined");
    }

    @Test
    void killingNetfenceLeavesTheCommandConfinedAndTheNextCallCleansUp() throws Exception {
        // the command talks through a FIFO and a file: pipes to a killed netfence would close
        Path dir = Files.createTempDirectory("nft-kill");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx")); // the command is not root
        Path requests = dir.resolve("requests");
        Path answers = dir.resolve("answers");
        Processes.check("mkfifo", requests.toString());
        String repl = String.join(" ", Probe.command("repl")) + " < " + requests + " > " + answers;
        Process netfence = new ProcessBuilder(Netfence.command("run", "--cgroup-parent", cgroups.root(),
                "--deny", "127.0.0.2", "--", "/bin/sh", "-c", "exec " + repl)).start();
        // read-write: opening a FIFO write-only would block forever if the command never started
        try (OutputStream in = java.nio.channels.Channels.newOutputStream(java.nio.channels.FileChannel.open(requests,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE))) {
            waitForLines(answers, 1);
            long command = netfence.descendants().filter(p -> p.info().command().orElse("").contains("python"))
                    .findFirst().orElseThrow().pid();

            Processes.check("kill", "-KILL", Long.toString(netfence.pid()));
            netfence.waitFor();
            in.write("tcp 127.0.0.2 1\ntcp 127.0.0.3 1\n".getBytes(StandardCharsets.UTF_8));
            in.flush();

            List<String> lines = waitForLines(answers, 3);
            assertEquals(List.of("ready", "error EPERM", "error ECONNREFUSED"), lines, "the policy outlives netfence: it fails closed");
            assertEquals(1, childCgroups().size());

            Processes.check("kill", "-KILL", Long.toString(command));
            for (int i = 0; i < 200 && running(command); i++) {
                Thread.sleep(10);
            }
        }
        Netfence.collectGarbage(); // releases a run cgroup whose owner died and that emptied
        assertEquals(List.of(), childCgroups());
        assertFalse(Files.exists(Residue.PINS));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private static List<String> waitForLines(Path file, int count) throws Exception {
        for (int i = 0; i < 500; i++) {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            if (lines.size() >= count) {
                return lines;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("fewer than " + count + " lines in " + file);
    }

    @Test
    void missingCommandExits127AndLeavesNothing() {
        Result r = Processes.run(run("/nonexistent/command"));

        assertEquals(127, r.exitCode(), r.toString());
        assertEquals(List.of("netfence: /nonexistent/command: command not found"), r.stderrLines());
        assertEquals(List.of(), childCgroups());
    }

    @Test
    void runInsideAConfinedCgroupCannotWidenItsPolicy() {
        String outer = cgroups.create("outer");
        Netfence.ok("attach", "--cgroup", outer, "--deny", "127.0.0.2");
        try {
            // netfence itself runs in the confined cgroup; by default its command goes below it
            List<String> inner = new ArrayList<>(Netfence.command("run", "--allow", "any", "--", Probe.PYTHON,
                    Probe.script("probe.py").toString(), "tcp", "127.0.0.2", "1", "+", "tcp", "127.0.0.3", "1"));
            Result r = cgroups.run(outer, inner);

            assertEquals(List.of("error EPERM", "error ECONNREFUSED"), r.stdoutLines(), r.toString());
        } finally {
            Netfence.ok("detach", "--cgroup", outer);
        }
    }
}
