package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreflightTest {
    private static final Map<String, String> SERVICE = Map.of("INVOCATION_ID", "0123456789abcdef0123456789abcdef");

    @Test
    void anAgentRunBySystemdRefusesToMountAPrivateBpffs() {
        Optional<String> problem = Preflight.agentBpfFsProblem(Optional.empty(), SERVICE);
        assertTrue(problem.isPresent());
        assertTrue(problem.get().contains("/sys/fs/bpf") && problem.get().contains("netfence-bpffs.service"), problem.get());
    }

    @Test
    void anAgentFindingBpffsOrStartedByHandMayGoOn() {
        assertEquals(Optional.empty(), Preflight.agentBpfFsProblem(Optional.of(Path.of("/sys/fs/bpf")), SERVICE));
        assertEquals(Optional.empty(), Preflight.agentBpfFsProblem(Optional.empty(), Map.of("HOME", "/root")));
    }
}
