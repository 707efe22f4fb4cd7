package io.netfence.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Processes;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestCgroups;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A running agent fed what an attacker or a careless operator would give it, while a probe in
 * the confined cgroup checks that a denied (127.0.0.2) and an allowed (127.0.0.3) destination
 * keep their verdicts throughout.
 */
@KernelTest
class HostileInputKernelTest {
    private static final String DENIED = "127.0.0.2";
    private static final String ALLOWED = "127.0.0.3";

    private TestCgroups cgroups;
    private TestAgent agent;
    private String cgroup;

    @BeforeEach
    void setUp() {
        cgroups = TestCgroups.create();
        cgroup = cgroups.create("web");
        agent = TestAgent.create();
        agent.writePolicy("web.yaml", policy());
        agent.start();
    }

    @AfterEach
    void tearDown() {
        agent.close();
        cgroups.close();
    }

    private String policy() {
        return "policies:\n  - name: web\n    target: " + cgroup + "\n    egress:\n      - deny " + DENIED + "\n";
    }

    private String status() {
        return Processes.run(Netfence.command(agent.netfence("status").toArray(String[]::new))).stdout();
    }

    private static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Processes.sleep(20);
        }
        throw new AssertionError("not within 10 s: " + what);
    }

    private static void assertNoViolation(Watch.Outcome outcome) {
        assertTrue(outcome.attempts() > 20, outcome.toString());
        assertEquals(0, outcome.deniedAllowed(), "the denied destination was reached: " + outcome);
        assertEquals(0, outcome.allowedDenied(), "the allowed destination was refused: " + outcome);
    }

    @Test
    void aDuplicateKeyInAFileIsRefusedAndTheDeniedDestinationStaysDenied() throws IOException {
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            Files.writeString(agent.policies.resolve("web.yaml"), "    egress:\n      - allow any\n", StandardOpenOption.APPEND);

            eventually("the reload is rejected", () -> status().contains("rejected"));
            Processes.sleep(300);
            assertNoViolation(watch.finish());
        }
        assertTrue(status().contains("web.yaml:6:5: duplicate key 'egress' in a policy (first at"), status());
    }

    @Test
    void aDuplicateKeyThroughApplyIsRefused() throws IOException {
        Path file = Files.createTempFile("nft-dup", ".yaml");
        try {
            Files.writeString(file, "policies:\n  - name: extra\n    target: " + cgroup + "\n    egress: [deny 127.0.0.4]\n"
                    + "    egress: [allow any]\n");
            Result applied = Processes.run(Netfence.command(agent.netfence("apply", "-f", file.toString()).toArray(String[]::new)));
            assertEquals(2, applied.exitCode(), applied.toString());
            assertTrue(applied.stderr().contains(":5:5: duplicate key 'egress'"), applied.stderr());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aFileRewrittenInPlaceIsAppliedOnlyOnceComplete() throws IOException {
        Path file = agent.policies.resolve("web.yaml");
        byte[] next = policy().replace("deny " + DENIED, "deny " + DENIED + "\n      - deny 127.0.0.4").getBytes(StandardCharsets.UTF_8);
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            // what 'echo > file' and many editors do: truncate, then write, then close
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                Processes.sleep(1500);
                channel.write(ByteBuffer.wrap(next, 0, next.length / 2));
                Processes.sleep(1500);
                channel.write(ByteBuffer.wrap(next, next.length / 2, next.length - next.length / 2));
            }
            eventually("the complete version is applied", () -> Netfence.ok("list").stdout().contains("127.0.0.4"));
            assertNoViolation(watch.finish());
        }
        assertTrue(status().contains("last reload: ok"), status());
    }

    @Test
    void anEmptiedFileIsRefusedNotReadAsNoPolicies() throws IOException {
        try (Watch watch = Watch.start(cgroups, cgroup, DENIED, ALLOWED)) {
            Files.write(agent.policies.resolve("web.yaml"), new byte[0]);
            eventually("the reload is rejected", () -> status().contains("rejected"));
            Processes.sleep(300);
            assertNoViolation(watch.finish());
        }
        String status = status();
        assertTrue(status.contains("web.yaml: the file is empty (to remove its policies, delete the file)"), status);
        assertNotEquals(-1, status.indexOf("rejected"), status);
    }
}
