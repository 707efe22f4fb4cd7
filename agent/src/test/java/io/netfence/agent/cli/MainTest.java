package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Command-line parsing and its errors: none of this needs root or a kernel. */
class MainTest extends CapturedConsole {
    @Test
    void helpListsTheCommandsAndTheRuleSyntax() {
        assertEquals(0, Main.execute("--help"));
        for (String word : new String[] {"run", "attach", "detach", "list", "PREFIX[:PORT[-PORT]][/PROTO]", "--deny any"}) {
            assertTrue(stdout().contains(word), word + " in " + stdout());
        }
    }

    @Test
    void runHelpShowsEveryPolicyOption() {
        assertEquals(0, Main.execute("run", "--help"));
        for (String option : new String[] {"--allow", "--deny", "--ingress-allow", "--ingress-deny", "--no-network",
            "--rules-file", "--audit", "--cgroup-parent"}) {
            assertTrue(stdout().contains(option), option + " in " + stdout());
        }
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, Main.execute());
        assertTrue(stderr().startsWith("netfence: missing command"), stderr());
    }

    @Test
    void badRulesAreRefusedBeforeAnyPrivilegeIsNeeded() {
        assertEquals(2, Main.execute("run", "--deny", "198.18.0.0/40", "--", "true"));
        assertEquals("netfence: --deny: invalid rule '198.18.0.0/40': prefix length 40 is out of range for IPv4 (0-32)\n",
                stderr());
    }

    @Test
    void aHugeRuleMakesAShortMessage() {
        assertEquals(2, Main.execute("run", "--deny", "198.18.0.1:" + "9".repeat(1_000_000), "--", "true"));
        assertTrue(stderr().length() < 400, stderr().length() + " characters");
        assertTrue(stderr().startsWith("netfence: --deny: a rule of 1000011 characters; the limit is 4096"), stderr());
    }

    @Test
    void runNeedsACommand() {
        assertEquals(2, Main.execute("run", "--deny", "any"));
        assertTrue(stderr().contains("Missing required parameter: 'COMMAND'"), stderr());
    }

    @Test
    void versionNamesTheAbi() {
        assertEquals(0, Main.execute("--version"));
        assertTrue(stdout().contains("BPF ABI v" + io.netfence.agent.datapath.abi.Abi.VERSION), stdout());
    }

    /** Main answers --version before picocli is involved: exactly as picocli would. */
    @Test
    void versionIsWhatPicocliWouldPrint() {
        java.io.ByteArrayOutputStream picocli = new java.io.ByteArrayOutputStream();
        CommandTree.full().printVersionHelp(new java.io.PrintStream(picocli, true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, Main.execute("-V"));
        assertEquals(0, Main.execute("--version"));
        assertEquals(picocli.toString(java.nio.charset.StandardCharsets.UTF_8).repeat(2), stdout());
    }
}
