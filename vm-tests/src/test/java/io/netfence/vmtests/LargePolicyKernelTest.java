package io.netfence.vmtests;

import static io.netfence.vmtests.fixtures.TestHost.TCP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestCgroups;
import io.netfence.vmtests.fixtures.TestHost;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A policy of 1,000,000 prefixes loads and decides correctly. Prints the load time (a figure for
 * the record, not an assertion: timing belongs to the benchmarks).
 */
@KernelTest
class LargePolicyKernelTest {
    private static final int PREFIXES = 1_000_000;

    /** The peer's address, 65,535 IPv4 hosts in 198.19.0.0/16 and IPv6 hosts in fd00:ffff::/32. */
    private static Path writeRules(String deniedPeer) throws IOException {
        Path file = Files.createTempFile("nft-1m", ".rules");
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("deny " + deniedPeer + "\n");
            int written = 1;
            for (int i = 1; i < 65536; i++, written++) {
                out.write("deny 198.19." + (i >> 8) + "." + (i & 255) + "\n");
            }
            for (int i = 0; written < PREFIXES; i++, written++) {
                out.write("deny fd00:ffff::" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff) + "\n");
            }
        }
        return file;
    }

    @Test
    void aMillionPrefixesLoadAndDecide() throws IOException {
        try (TestHost host = TestHost.start(); TestCgroups cgroups = TestCgroups.create()) {
            String cgroup = cgroups.create("big");
            Path rules = writeRules(host.peerV4);
            try {
                long start = System.nanoTime();
                Result attached = Netfence.run(Duration.ofMinutes(3), "attach", "--cgroup", cgroup, "--rules-file", rules.toString());
                long wallMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(0, attached.exitCode(), attached.toString());
                assertTrue(attached.stdout().contains("(" + PREFIXES + " egress, 0 ingress rules)"), attached.stdout());
                System.out.println("LargePolicyKernelTest: " + attached.stdout().strip() + "; whole command " + wallMillis + " ms");

                Result probe = cgroups.run(cgroup, Probe.command("tcp", host.peerV4, "" + TCP_PORT, "+",
                        "tcp", host.otherPeerV4, "" + TCP_PORT, "+", "tcp", host.peerV6, "" + TCP_PORT));
                assertEquals(java.util.List.of("error EPERM", "ok", "ok"), probe.stdoutLines(), probe.toString());

                long detachStart = System.nanoTime();
                Netfence.ok("detach", "--cgroup", cgroup);
                System.out.println("LargePolicyKernelTest: detach of " + PREFIXES + " prefixes took "
                        + (System.nanoTime() - detachStart) / 1_000_000 + " ms");
            } finally {
                Files.delete(rules);
            }
        }
    }
}
