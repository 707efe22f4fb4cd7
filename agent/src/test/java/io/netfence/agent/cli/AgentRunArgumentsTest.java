package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.daemon.RunArguments;
import io.netfence.agent.policy.RuleTexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentRunArgumentsTest {
    private final AgentRunArguments arguments = new AgentRunArguments();

    private RunArguments.Plan plan(boolean root, String... args) {
        return arguments.parse(List.of(args), root).orElseThrow(() -> new AssertionError("no plan for " + List.of(args)));
    }

    @Test
    void noNetworkAloneIsANetworkNamespaceOfItsOwn() {
        RunArguments.Plan plan = plan(false, "--no-network");

        assertEquals(List.of("--netns"), plan.launch());
        assertEquals(List.of("deny 0.0.0.0/0", "deny ::/0", "allow 127.0.0.0/8", "allow ::1"), RuleTexts.egress(plan.policy()));
    }

    @Test
    void rulesAndRootsSandboxOptionsAreReadAsTheCliReadsThem() {
        RunArguments.Plan plan = plan(true, "--deny", "any", "--allow", "198.18.0.0/15:443/tcp", "--user", "nobody", "--audit");

        assertEquals(List.of("--user", "nobody"), plan.launch());
        assertEquals(List.of("allow 198.18.0.0/15:443/tcp", "deny 0.0.0.0/0", "deny ::/0"), RuleTexts.egress(plan.policy()));
        assertTrue(plan.policy().audit());
    }

    @Test
    void aUserMayNotAskForRootsOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> arguments.parse(List.of("--deny", "any", "--user", "root"), false));
        assertTrue(e.getMessage().contains("need root"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> arguments.parse(List.of("--deny", "any", "--keep-privileges"), false));
    }

    @Test
    void aBadRuleIsNamedWithItsOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> arguments.parse(List.of("--deny", "not-a-rule"), true));
        assertTrue(e.getMessage().startsWith("--deny: invalid rule 'not-a-rule'"), e.getMessage());
    }

    @Test
    void runsTheCliMakesItselfAreLeftToIt() {
        for (List<String> args : List.of(List.of("--learn"), List.of("--deny", "any", "--cgroup-parent", "/x"), List.of("--rules-file", "/etc/shadow"),
                List.of("--help"), List.of("--version"), List.of("--bogus"), List.of("--deny", "any", "--out", "f"), List.of("--deny", "any", "stray"),
                List.of("--allow", "api.example.test"))) {
            assertEquals(Optional.empty(), arguments.parse(args, true), "left to the CLI: " + args);
        }
    }

    @Test
    void aUsersNameRulesAreTheAgents() {
        assertEquals(List.of("allow api.example.test"), RuleTexts.egress(plan(false, "--allow", "api.example.test").policy()).subList(0, 1));
    }

    @Test
    void anAtFileIsNeverReadByTheAgent(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("args");
        Files.writeString(file, "--deny\n198.18.0.1\n");

        assertEquals(Optional.empty(), arguments.parse(List.of("@" + file), true),
                "not expanded (which would have made a plan of its rule): a stray word, left to the CLI");
    }
}
