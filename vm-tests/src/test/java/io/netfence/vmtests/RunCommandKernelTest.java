package io.netfence.vmtests;

import static io.netfence.vmtests.fixtures.TestHost.OTHER_TCP_PORT;
import static io.netfence.vmtests.fixtures.TestHost.TCP_PORT;
import static io.netfence.vmtests.fixtures.TestHost.UDP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestCgroups;
import io.netfence.vmtests.fixtures.TestHost;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code netfence run}: enforcement points and rule semantics, checked with real traffic. */
@KernelTest
class RunCommandKernelTest {
    private static TestHost host;
    private static TestCgroups cgroups;

    @BeforeAll
    static void startTestHost() {
        host = TestHost.start();
        cgroups = TestCgroups.create();
    }

    @AfterAll
    static void stopTestHost() {
        if (cgroups != null) {
            cgroups.close();
        }
        if (host != null) {
            host.close();
        }
    }

    private static Confined confined() {
        return Confined.under(cgroups.root());
    }

    private static String tcp(String address, int port) {
        return "tcp " + address + " " + port + " hello +";
    }

    private static String[] probes(String... probes) {
        return String.join(" ", probes).replaceAll("\\+$", "").trim().split(" ");
    }

    @Test
    void deniedTcpConnectFailsWithEpermAtOnceAndOthersConnect() {
        Result r = confined().deny(host.peerV4).probe(probes(tcp(host.peerV4, TCP_PORT), tcp(host.otherPeerV4, TCP_PORT)));

        // a dropped SYN would end in 'timeout' after the probe's 3 s; EPERM comes from connect() at once
        assertEquals(List.of("error EPERM", "echo hello"), r.stdoutLines(), r.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("netfence: denied 1 time: " + host.peerV4 + ":" + TCP_PORT + "/tcp (connect)"), r.stderrLines());
    }

    @Test
    void unconnectedUdpToDeniedDestinationFailsWithEperm() {
        Result r = confined().deny(host.peerV4 + ":" + UDP_PORT + "/udp")
                .probe("udp", host.peerV4, "" + UDP_PORT, "udp-denied", "+", "udp", host.otherPeerV4, "" + UDP_PORT, "udp-allowed");

        assertEquals(List.of("error EPERM", "sent reply"), r.stdoutLines(), r.toString());
        assertTrue(host.waitForLog("udp-allowed", Duration.ofSeconds(2)));
        assertFalse(host.log().stream().anyMatch(l -> l.contains("udp-denied")));
        assertTrue(r.stderr().contains("(sendmsg)"), r.stderr());
    }

    @Test
    void connectedUdpToDeniedDestinationFailsWithEperm() {
        Result r = confined().deny(host.peerV4).probe("udpc", host.peerV4, "" + UDP_PORT, "connected-denied");

        assertEquals(List.of("error EPERM"), r.stdoutLines(), r.toString());
        assertFalse(host.log().stream().anyMatch(l -> l.contains("connected-denied")));
    }

    @Test
    void icmpRuleDropsEchoRequestsButNotTcp() {
        Result r = confined().deny(host.peerV4 + "/icmp")
                .probe(probes("ping " + host.peerV4 + " +", "ping " + host.otherPeerV4 + " +", tcp(host.peerV4, TCP_PORT)));

        List<String> lines = r.stdoutLines();
        assertEquals(3, lines.size(), r.toString());
        assertTrue(lines.get(0).equals("error EPERM") || lines.get(0).equals("noreply"), r.toString());
        assertEquals("reply", lines.get(1), r.toString());
        assertEquals("echo hello", lines.get(2), r.toString());
        assertTrue(r.stderr().contains(host.peerV4 + "/icmp (egress)"), r.stderr());
    }

    @Test
    void ipv6DestinationsAreJudgedByIpv6Rules() {
        Result r = confined().deny("[" + host.peerV6 + "]")
                .probe(probes(tcp(host.peerV6, TCP_PORT), tcp(host.otherPeerV6, TCP_PORT),
                        "udp " + host.peerV6 + " " + UDP_PORT + " v6-denied +", "ping " + host.peerV6 + " +", "ping " + host.otherPeerV6));

        List<String> lines = r.stdoutLines();
        assertEquals("error EPERM", lines.get(0), r.toString());
        assertEquals("echo hello", lines.get(1), r.toString());
        assertEquals("error EPERM", lines.get(2), r.toString());
        assertTrue(lines.get(3).equals("error EPERM") || lines.get(3).equals("noreply"), r.toString());
        assertEquals("reply", lines.get(4), r.toString());
    }

    @Test
    void ipv4MappedDestinationsOnIpv6SocketsAreJudgedAsIpv4() {
        Result r = confined().deny(host.peerV4)
                .probe("tcp6m", host.peerV4, "" + TCP_PORT, "+", "udp6m", host.peerV4, "" + UDP_PORT, "mapped-denied",
                        "+", "tcp6m", host.otherPeerV4, "" + TCP_PORT);

        assertEquals(List.of("error EPERM", "error EPERM", "ok"), r.stdoutLines(), r.toString());
        assertFalse(host.log().stream().anyMatch(l -> l.contains("mapped-denied")));
    }

    @Test
    void longerPrefixWinsAndPortRulesFallBackToTheCoveringPrefix() {
        Result r = confined().deny(host.subnetV4).allow(host.peerV4 + ":" + TCP_PORT + "/tcp").allow(host.otherPeerV4)
                .probe(probes(tcp(host.peerV4, TCP_PORT), tcp(host.peerV4, OTHER_TCP_PORT), tcp(host.otherPeerV4, OTHER_TCP_PORT),
                        "udp " + host.peerV4 + " " + UDP_PORT + " x"));

        assertEquals(List.of("echo hello", "error EPERM", "echo hello", "error EPERM"), r.stdoutLines(), r.toString());
    }

    @Test
    void atEqualPrefixPortAndProtocolRulesBeatBareOnes() {
        Result r = confined().allow(host.peerV4).deny(host.peerV4 + ":" + OTHER_TCP_PORT)
                .deny(host.otherPeerV4).allow(host.otherPeerV4 + "/udp")
                .probe(probes(tcp(host.peerV4, TCP_PORT), tcp(host.peerV4, OTHER_TCP_PORT),
                        "udp " + host.otherPeerV4 + " " + UDP_PORT + " proto-allowed +", tcp(host.otherPeerV4, TCP_PORT)));

        assertEquals(List.of("echo hello", "error EPERM", "sent reply", "error EPERM"), r.stdoutLines(), r.toString());
    }

    @Test
    void denyWinsAFullTie() {
        Result r = confined().allow(host.peerV4).deny(host.peerV4).probe(probes(tcp(host.peerV4, TCP_PORT)));

        assertEquals(List.of("error EPERM"), r.stdoutLines(), r.toString());
    }

    @Test
    void denyAnyWithAnAllowListAllowsOnlyTheList() {
        Result r = confined().deny("any").allow(host.peerV4 + ":" + TCP_PORT + "/tcp")
                .probe(probes(tcp(host.peerV4, TCP_PORT), tcp(host.peerV4, OTHER_TCP_PORT), tcp(host.otherPeerV4, TCP_PORT),
                        tcp(host.peerV6, TCP_PORT), "udp " + host.peerV4 + " " + UDP_PORT + " x +", "tcp 127.0.0.1 1"));

        assertEquals(List.of("echo hello", "error EPERM", "error EPERM", "error EPERM", "error EPERM", "error EPERM"),
                r.stdoutLines(), r.toString());
        assertTrue(r.stderr().startsWith("netfence: denied 5 times: "), r.stderr());
    }

    @Test
    void noNetworkLeavesOnlyTheCommandsOwnLoopback() {
        Result r = confined().flag("--no-network")
                .probe("tcp", "127.0.0.1", "1", "+", "tcp", "::1", "1", "+", "tcp", host.peerV4, "" + TCP_PORT,
                        "+", "tcp", host.hostV4, "1", "+", "ping", host.peerV6);

        List<String> lines = r.stdoutLines();
        assertEquals("error ECONNREFUSED", lines.get(0), r.toString());
        assertEquals("error ECONNREFUSED", lines.get(1), r.toString());
        assertEquals("error EPERM", lines.get(2), r.toString());
        assertEquals("error EPERM", lines.get(3), "this host's own non-loopback address is network too: " + r);
        // the private namespace's ping_group_range is the kernel's default: ping sockets are refused there
        assertTrue(List.of("error EPERM", "error EACCES", "noreply").contains(lines.get(4)), r.toString());
    }
}
