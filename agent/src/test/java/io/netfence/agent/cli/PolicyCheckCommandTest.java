package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netfence policy check}: the agent's checks and messages, without root or an agent. */
class PolicyCheckCommandTest extends CapturedConsole {
    @TempDir
    Path dir;

    private int check(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return Main.execute("policy", "check", file.toString());
    }

    @Test
    void aValidPolicyFileIsNamedWithItsPolicies() throws Exception {
        assertEquals(0, check("ok.yaml", "policies:\n  - name: web\n    target: web.service\n    mode: learn\n"
                + "  - name: db\n    target: /system.slice/db.service\n    egress: [deny any, allow 198.18.0.0/15:5432/tcp]\n"));

        assertEquals(dir.resolve("ok.yaml") + ": ok, 2 policies: web, db\n", stdout());
    }

    @Test
    void errorsAreTheAgentsFileLineColumnMessages() throws Exception {
        assertEquals(2, check("bad.yaml", "policies:\n  - name: web\n    target: web.service\n    mode: learning\n"
                + "    egress:\n      - allow 198.18.0.0/33\n"));

        String file = dir.resolve("bad.yaml").toString();
        List<String> lines = stderr().lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertEquals(file + ":4:11: unknown mode 'learning' (expected enforce, audit or learn)", lines.get(0));
        assertTrue(lines.get(1).startsWith(file + ":6:9: "), lines.get(1));
    }

    @Test
    void aRulesFileIsCheckedAsRulesFileReadsIt() throws Exception {
        assertEquals(0, check("ok.rules", "deny any\nallow 198.18.0.2:443/tcp # web\ningress-allow 198.18.0.2/icmp\n"));
        assertEquals(2, check("bad.rules", "deny any\nallow 198.18.0.2:99999/tcp\n"));

        assertEquals(dir.resolve("bad.rules") + ":2: ", stderr().substring(0, dir.resolve("bad.rules").toString().length() + 4));
    }
}
