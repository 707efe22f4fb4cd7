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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of bad input: exit code 2, one line naming the problem, nothing attached or changed. */
@KernelTest
class BadInputKernelTest {
    private TestCgroups cgroups;
    private String cgroup;

    @BeforeEach
    void createCgroup() {
        cgroups = TestCgroups.create();
        cgroup = cgroups.create("target");
    }

    @AfterEach
    void removeCgroup() {
        cgroups.close();
    }

    private void assertRefused(Result r, String... expectedMessageParts) {
        assertEquals(2, r.exitCode(), r.toString());
        List<String> lines = r.stderrLines();
        assertTrue(!lines.isEmpty() && lines.size() <= 2 && lines.get(0).startsWith("netfence: "), "one clear line: " + r);
        for (String part : expectedMessageParts) {
            assertTrue(lines.get(0).contains(part), "the line names '" + part + "': " + r);
        }
        if (lines.size() == 2) {
            assertTrue(lines.get(1).startsWith("Try '"), "only a usage hint may follow: " + r);
        }
        assertFalse(Files.exists(Residue.PINS), "nothing may be pinned after refused input: " + r);
        assertEquals(List.of(), children(), "no cgroup may be created after refused input");
    }

    private List<String> children() {
        try (Stream<Path> dirs = Files.list(cgroups.directory(cgroup))) {
            return dirs.filter(Files::isDirectory).map(Path::toString).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--deny | 198.18.0.300 | invalid rule '198.18.0.300': '198.18.0.300' is not an IPv4 address",
        "--deny | 198.18.0.0/33 | prefix length 33 is out of range for IPv4 (0-32)",
        "--allow | 198.18.0.2:70000/tcp | port 70000 is out of range (1-65535)",
        "--allow | 198.18.0.2:2000-1000 | port range 2000-1000 is reversed",
        "--deny | anywhere | unknown keyword 'anywhere'",
        "--deny | any/sctp | unknown protocol 'sctp' (expected tcp, udp or icmp)",
        "--deny | 198.18.0.2:80/icmp | ports apply to tcp and udp only",
        "--ingress-deny | [fd00::2 | missing ']' after the IPv6 address",
        "--deny | examplecom | unknown keyword 'examplecom'",
    })
    void malformedRulesAreRefusedByAttachAndRun(String option, String rule, String message) {
        assertRefused(Netfence.run("attach", "--cgroup", cgroup, option, rule), option + ": invalid rule '" + rule + "'", message);
        assertRefused(Netfence.run("run", "--cgroup-parent", cgroup, option, rule, "--", "/bin/true"), message);
    }

    @Test
    void nameRulesAreRefusedWhereNoDnsIsSteered() {
        assertRefused(Netfence.run("attach", "--cgroup", cgroup, "--deny", "tracker.example.test"),
                "name rules are learned by the agent's DNS proxy, and no agent answers");
    }

    @Test
    void missingCgroupIsRefused() {
        assertRefused(Netfence.run("attach", "--cgroup", cgroup + "/missing", "--deny", "any"),
                "cgroup " + cgroup + "/missing does not exist");
        assertRefused(Netfence.run("detach", "--cgroup", cgroup + "/missing"), "does not exist");
        assertRefused(Netfence.run("run", "--cgroup-parent", cgroup + "/missing", "--deny", "any", "--", "/bin/true"),
                "does not exist");
    }

    @Test
    void theRootCgroupIsRefused() {
        assertRefused(Netfence.run("attach", "--cgroup", "/", "--deny", "any"), "refusing to attach to the root cgroup");
    }

    @Test
    void noRulesIsRefused() {
        assertRefused(Netfence.run("attach", "--cgroup", cgroup), "no rules given");
        assertRefused(Netfence.run("run", "--cgroup-parent", cgroup, "--", "/bin/true"), "no rules given");
    }

    @Test
    void badRulesFileLineIsNamedWithFileAndLine() throws IOException {
        Path file = Files.createTempFile("nft-rules", ".txt");
        try {
            Files.writeString(file, "# allow list\ndeny any\nallow 198.18.0.2:443/tcp\nalow 198.18.0.3\n");
            assertRefused(Netfence.run("attach", "--cgroup", cgroup, "--rules-file", file.toString()),
                    file + ":4: unknown action 'alow'");
            Files.writeString(file, "deny any\nallow 198.18.0.2:99999\n");
            assertRefused(Netfence.run("attach", "--cgroup", cgroup, "--rules-file", file.toString()),
                    file + ":2: invalid rule '198.18.0.2:99999'");
            assertRefused(Netfence.run("attach", "--cgroup", cgroup, "--rules-file", file + ".missing"), "cannot read");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void detachingAnUnconfinedCgroupIsRefused() {
        assertRefused(Netfence.run("detach", "--cgroup", cgroup), "netfence is not attached to cgroup " + cgroup);
    }

    @Test
    void unknownCommandsAndOptionsAreRefused() {
        assertRefused(Netfence.run("attack", "--cgroup", cgroup), "Unmatched argument");
        assertRefused(Netfence.run("attach", "--cgroup", cgroup, "--deny", "any", "--frobnicate"), "Unknown option: '--frobnicate'");
        assertRefused(Netfence.run("attach", "--deny", "any"), "Missing required option: '--cgroup=PATH'");
    }

    @Test
    void badInputLeavesThePolicyInForceUntouched() {
        Netfence.ok("attach", "--cgroup", cgroup, "--deny", "127.0.0.2");

        Result refused = Netfence.run("attach", "--cgroup", cgroup, "--deny", "127.0.0.3", "--allow", "127.0.0.2:0");

        assertEquals(2, refused.exitCode(), refused.toString());
        Result probe = cgroups.run(cgroup, Probe.command("tcp", "127.0.0.2", "1", "+", "tcp", "127.0.0.3", "1"));
        assertEquals(List.of("error EPERM", "error ECONNREFUSED"), probe.stdoutLines(), probe.toString());
        assertTrue(Netfence.ok("list").stdout().contains("egress: deny 127.0.0.2;"), "list still shows the old rules");
        Netfence.ok("detach", "--cgroup", cgroup);
    }

    @Test
    void nonRootUsersAreRefused() {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        command.addAll(Netfence.command("attach", "--cgroup", cgroup, "--deny", "any"));

        assertRefused(Processes.run(command), "must run as root");
    }

    @Test
    void aHostWithoutCgroup2IsRefused() {
        String mount = Residue.cgroup2().toString();
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "/bin/sh", "-c",
                "umount -l " + mount + " && exec \"$@\"", "sh"));
        command.addAll(Netfence.command("attach", "--cgroup", cgroup, "--deny", "any"));

        assertRefused(Processes.run(command), "no cgroup2 filesystem is mounted");
    }

    @Test
    void aHostWithoutLibbpfIsRefused() {
        String libbpf = Processes.check("/bin/sh", "-c", "readlink -f $(ldconfig -p | awk '/libbpf.so.1 /{print $NF; exit}')").strip();
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "/bin/sh", "-c",
                "mount --bind /dev/null " + libbpf + " && exec \"$@\"", "sh"));
        command.addAll(Netfence.command("attach", "--cgroup", cgroup, "--deny", "any"));

        assertRefused(Processes.run(command), "cannot load libbpf.so.1 (install the libbpf1 package)");
    }
}
