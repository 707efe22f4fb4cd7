package io.netfence.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.agent.api.ApiClient;
import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Residue;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Figures for the record, printed, not asserted (timing belongs to benchmarks): how long a new
 * cgroup runs before the agent confines it, and how long a 100,000-prefix policy takes to apply.
 * What is asserted is that the result is enforced.
 */
@KernelTest
class AgentMeasurementsKernelTest {
    private static final int CGROUPS = 200;

    @Test
    void creationToEnforcementLatencyOver200Cgroups() throws Exception {
        try (TestCgroups cgroups = TestCgroups.create(); TestAgent agent = TestAgent.create()) {
            agent.writePolicy("lat.yaml", "policies:\n  - name: lat\n    target: " + cgroups.root() + "/lat-*\n"
                    + "    egress: [deny 127.0.0.2]\n");
            agent.start();
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < CGROUPS; i++) {
                Path directory = cgroups.directory(cgroups.root()).resolve("lat-" + i);
                long start = System.nanoTime();
                Files.createDirectory(directory);
                long id = ((Number) Files.getAttribute(directory, "unix:ino")).longValue();
                Path lastLink = Path.of("/sys/fs/bpf/netfence/v3/cgroups/" + id + "/nf_skb_ingress");
                long deadline = start + 10_000_000_000L;
                while (!Files.exists(lastLink)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("lat-" + i + " not enforced within 10 s");
                    }
                    Thread.onSpinWait();
                }
                micros.add((System.nanoTime() - start) / 1000);
            }
            Collections.sort(micros);
            System.out.printf("AgentMeasurementsKernelTest: cgroup creation -> enforced over %d cgroups: median %.2f ms, "
                    + "p99 %.2f ms, max %.2f ms%n", CGROUPS, micros.get(CGROUPS / 2) / 1000.0,
                    micros.get(CGROUPS * 99 / 100 - 1) / 1000.0, micros.get(CGROUPS - 1) / 1000.0);
            Result r = cgroups.run(cgroups.root() + "/lat-" + (CGROUPS - 1), Probe.command("tcp", "127.0.0.2", "1"));
            assertEquals("error EPERM", r.stdout().strip(), r.toString());
            for (int i = 0; i < CGROUPS; i++) {
                Residue.removeCgroup(cgroups.directory(cgroups.root()).resolve("lat-" + i));
            }
        }
    }

    @Test
    void applyingA100kPrefixPolicy() throws IOException {
        try (TestCgroups cgroups = TestCgroups.create(); TestAgent agent = TestAgent.create()) {
            String cgroup = cgroups.create("big");
            agent.start();
            StringBuilder yaml = new StringBuilder("policies:\n  - name: big\n    target: " + cgroup + "\n    egress:\n");
            yaml.append("      - deny 127.0.0.2\n");
            for (int i = 1; i < 100_000; i++) {
                yaml.append(i < 65_536 ? "      - deny 198.19." + (i >> 8) + "." + (i & 255) + "\n"
                        : "      - deny fd00:ffff::" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff) + "\n");
            }
            ApiClient api = agent.api();
            long start = System.nanoTime();
            ApiClient.Reply reply = api.post("/v1/policies", "big.yaml", yaml.toString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, reply.status(), reply.body());
            System.out.println("AgentMeasurementsKernelTest: applying a 100,000-prefix policy through the API took " + millis
                    + " ms (parse, check, write the file, compile, load the maps, point the cgroup)");
            Result r = cgroups.run(cgroup, Probe.command("tcp", "127.0.0.2", "1", "+", "tcp", "127.0.0.3", "1"));
            assertEquals(List.of("error EPERM", "error ECONNREFUSED"), r.stdoutLines(), r.toString());
        }
    }
}
