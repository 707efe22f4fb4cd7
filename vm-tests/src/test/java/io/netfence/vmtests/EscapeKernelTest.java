package io.netfence.vmtests;

import static io.netfence.vmtests.fixtures.TestHost.UDP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Processes;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestCgroups;
import io.netfence.vmtests.fixtures.TestHost;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ways around a policy. Each attempt is first shown to work unconfined (so the test can fail),
 * then shown to fail under netfence.
 */
@KernelTest
class EscapeKernelTest {
    /** More extension headers than the BPF parser walks (NF_IPV6_EXT_HEADERS_MAX is 6). */
    private static final int LONG_CHAIN = 8;

    private static TestHost host;
    private static TestCgroups cgroups;

    @BeforeAll
    static void start() {
        host = TestHost.start();
        cgroups = TestCgroups.create();
    }

    @AfterAll
    static void stop() {
        if (cgroups != null) {
            cgroups.close();
        }
        if (host != null) {
            host.close();
        }
    }

    private static String[] chainProbe(int headers, String text) {
        return new String[] {"udp6chain", host.hostV6, host.peerV6, "" + UDP_PORT, "" + headers, text};
    }

    @Test
    void aLongIpv6ExtensionChainDoesNotHideADeniedPort() {
        Result unconfined = Processes.run(Probe.command(chainProbe(LONG_CHAIN, "chain-unconfined")));
        assertEquals("sent", unconfined.stdout().strip(), unconfined.toString());
        assertTrue(host.waitForLog("chain-unconfined", Duration.ofSeconds(3)),
                "control: the test host takes a UDP datagram behind " + LONG_CHAIN + " extension headers");

        // raw sockets need CAP_NET_RAW, which nothing under 'run' has: a root service confined by attach does
        String cgroup = cgroups.create("raw");
        Netfence.ok("attach", "--cgroup", cgroup, "--deny", "[" + host.peerV6 + "]:" + UDP_PORT + "/udp");
        Result shortChain = cgroups.run(cgroup, Probe.command(chainProbe(1, "chain-short")));
        Result longChain = cgroups.run(cgroup, Probe.command(chainProbe(LONG_CHAIN, "chain-long")));
        Netfence.ok("detach", "--cgroup", cgroup);

        Processes.sleep(500);
        assertFalse(host.log().stream().anyMatch(l -> l.contains("chain-short")), "a walkable chain is judged by its port: " + shortChain);
        assertFalse(host.log().stream().anyMatch(l -> l.contains("chain-long")),
                "a chain longer than the walk must be refused, not judged as 'protocol 60, no port': " + longChain);
    }
}
