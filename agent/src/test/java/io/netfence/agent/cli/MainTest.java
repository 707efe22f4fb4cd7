package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Command-line parsing and its errors: none of this needs root or a kernel. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

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
    void runNeedsACommand() {
        assertEquals(2, Main.execute("run", "--deny", "any"));
        assertTrue(stderr().contains("Missing required parameter: 'COMMAND'"), stderr());
    }

    @Test
    void versionNamesTheAbi() {
        assertEquals(0, Main.execute("--version"));
        assertTrue(stdout().contains("BPF ABI v" + io.netfence.agent.datapath.abi.Abi.VERSION), stdout());
    }
}
