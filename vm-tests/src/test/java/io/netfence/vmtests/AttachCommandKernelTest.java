package io.netfence.vmtests;

import static io.netfence.vmtests.fixtures.TestHost.TCP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.ProbeSession;
import io.netfence.vmtests.fixtures.Residue;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestCgroups;
import io.netfence.vmtests.fixtures.TestHost;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code netfence attach/detach/list} on cgroups that already have processes. */
@KernelTest
class AttachCommandKernelTest {
    private static TestHost host;
    private TestCgroups cgroups;

    @BeforeAll
    static void startTestHost() {
        host = TestHost.start();
    }

    @AfterAll
    static void stopTestHost() {
        if (host != null) {
            host.close();
        }
    }

    @BeforeEach
    void createCgroups() {
        cgroups = TestCgroups.create();
    }

    @AfterEach
    void removeCgroups() {
        cgroups.close();
    }

    private String tcp(String address) {
        return "tcp " + address + " " + TCP_PORT;
    }

    @Test
    void processesAlreadyRunningAreConfinedAtOnceAndFreedByDetach() {
        String cgroup = cgroups.create("service");
        try (ProbeSession service = ProbeSession.start(cgroups, cgroup, "ready", "repl")) {
            assertEquals("ok", service.ask(tcp(host.peerV4)));

            Result attached = Netfence.ok("attach", "--cgroup", cgroup, "--deny", host.peerV4);
            assertTrue(attached.stdout().startsWith("netfence: confined " + cgroup), attached.toString());
            assertEquals("error EPERM", service.ask(tcp(host.peerV4)));
            assertEquals("ok", service.ask(tcp(host.otherPeerV4)));

            Netfence.ok("detach", "--cgroup", cgroup);
            assertEquals("ok", service.ask(tcp(host.peerV4)));
        }
        assertFalse(Files.exists(Residue.PINS), "detaching the only cgroup leaves no pins");
    }

    @Test
    void establishedConnectionIsCutWhenAttachIsAppliedAfterwards() {
        String cgroup = cgroups.create("client");
        try (ProbeSession client = ProbeSession.start(cgroups, cgroup, "connected", "hold", host.peerV4, "" + TCP_PORT)) {
            assertTrue(host.waitForLog("tcp-data " + TCP_PORT + " " + host.hostV4 + " before", Duration.ofSeconds(5)));
            assertEquals("sent still-open", client.ask("still-open"));
            assertTrue(host.waitForLog("still-open", Duration.ofSeconds(5)));

            Netfence.ok("attach", "--cgroup", cgroup, "--deny", host.peerV4);
            client.ask("after-attach"); // TCP accepts the bytes; the packets carrying them are dropped

            assertFalse(host.waitForLog("after-attach", Duration.ofSeconds(3)), "data sent after attach reached the peer");
            Result list = Netfence.ok("list");
            assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(cgroup) && !l.matches(".* 0  egress.*")),
                    "the dropped segments are counted as denials: " + list);
        }
    }

    @Test
    void nestedPoliciesNarrowAndAChildCannotWidenItsParent() {
        String parent = cgroups.create("parent");
        String child = cgroups.create("parent/child");
        Netfence.ok("attach", "--cgroup", parent, "--deny", host.peerV4);
        Netfence.ok("attach", "--cgroup", child, "--allow", host.peerV4, "--deny", host.otherPeerV4);

        Result inChild = cgroups.run(child, Probe.command(tcp(host.peerV4).split(" ")));
        Result inChildOther = cgroups.run(child, Probe.command(tcp(host.otherPeerV4).split(" ")));
        Result inChildV6 = cgroups.run(child, Probe.command(tcp(host.peerV6).split(" ")));
        Result inParentOther = cgroups.run(parent, Probe.command(tcp(host.otherPeerV4).split(" ")));

        assertEquals("error EPERM", inChild.stdout().strip(), "the parent's deny holds in the child: " + inChild);
        assertEquals("error EPERM", inChildOther.stdout().strip(), "the child's own deny: " + inChildOther);
        assertEquals("ok", inChildV6.stdout().strip(), inChildV6.toString());
        assertEquals("ok", inParentOther.stdout().strip(), "the child's rules do not reach up: " + inParentOther);
    }

    @Test
    void ingressDenyRefusesInboundConnectionsFromThePeer() throws Exception {
        String cgroup = cgroups.create("server");
        Netfence.ok("attach", "--cgroup", cgroup, "--ingress-deny", host.peerV4);
        try (ProbeSession server = ProbeSession.start(cgroups, cgroup, "listening", "listen", "9100", "6")) {
            CompletableFuture<List<String>> accepted = CompletableFuture.supplyAsync(() -> {
                List<String> lines = new java.util.ArrayList<>();
                for (String line = server.readLine(); line != null && !line.equals("done"); line = server.readLine()) {
                    lines.add(line);
                }
                return lines;
            });
            Result denied = host.exec(Probe.command("connect-from", host.peerV4, host.hostV4, "9100"));
            Result allowed = host.exec(Probe.command("connect-from", host.otherPeerV4, host.hostV4, "9100"));

            assertEquals("timeout", denied.stdout().strip(), "the SYN from a denied peer is dropped: " + denied);
            assertEquals("ok", allowed.stdout().strip(), allowed.toString());
            assertEquals(List.of("accepted " + host.otherPeerV4), accepted.get());
        }
    }

    @Test
    void attachingAgainReplacesThePolicy() {
        String cgroup = cgroups.create("service");
        try (ProbeSession service = ProbeSession.start(cgroups, cgroup, "ready", "repl")) {
            Netfence.ok("attach", "--cgroup", cgroup, "--deny", host.peerV4);
            assertEquals("error EPERM", service.ask(tcp(host.peerV4)));

            Netfence.ok("attach", "--cgroup", cgroup, "--deny", host.otherPeerV4);

            assertEquals("ok", service.ask(tcp(host.peerV4)));
            assertEquals("error EPERM", service.ask(tcp(host.otherPeerV4)));
        }
    }

    @Test
    void auditModeBlocksNothingAndCountsWhatItWouldDeny() {
        String cgroup = cgroups.create("audited");
        Netfence.ok("attach", "--cgroup", cgroup, "--audit", "--deny", host.peerV4);

        Result r = cgroups.run(cgroup, Probe.command(tcp(host.peerV4).split(" ")));

        assertEquals("ok", r.stdout().strip(), r.toString());
        String line = Netfence.ok("list").stdoutLines().stream().filter(l -> l.startsWith(cgroup)).findFirst().orElseThrow();
        assertTrue(line.matches(".*\\saudit\\s+[1-9][0-9]*\\s+egress: deny " + host.peerV4.replace(".", "\\.") + ".*"), line);
    }

    @Test
    void listShowsConfinedCgroupsWithTheirRules() {
        String cgroup = cgroups.create("listed");
        Netfence.ok("attach", "--cgroup", cgroup, "--deny", "any", "--allow", host.peerV4 + ":443/tcp");

        List<String> lines = Netfence.ok("list").stdoutLines();

        assertTrue(lines.get(0).startsWith("CGROUP"), lines.toString());
        String row = lines.stream().filter(l -> l.startsWith(cgroup + " ")).findFirst().orElseThrow(() -> new AssertionError(lines));
        assertTrue(row.contains("allow " + host.peerV4 + ":443/tcp") && row.contains("deny 0.0.0.0/0"), row);

        Netfence.ok("detach", "--cgroup", cgroup);
        assertEquals(List.of("netfence: no cgroup is confined"), Netfence.ok("list").stdoutLines());
    }
}
