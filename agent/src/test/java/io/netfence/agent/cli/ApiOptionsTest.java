package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API commands find the agent's socket in its config, or where --socket says. */
class ApiOptionsTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(savedErr);
    }

    @Test
    void everyApiCommandReadsTheSocketFromTheConfig() throws Exception {
        Path config = dir.resolve("netfence.yaml");
        Files.writeString(config, "socket: agent.sock\n");
        String[][] commands = {{"status"}, {"policies"}, {"delete", "web"}, {"events"}, {"apply", "-f", config.toString()}};
        for (String[] command : commands) {
            err.reset();
            String[] args = java.util.Arrays.copyOf(command, command.length + 2);
            args[command.length] = "--config";
            args[command.length + 1] = config.toString();
            assertEquals(ExitCodes.USAGE, Main.execute(args), String.join(" ", command));
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("netfence: no netfence agent is running (no socket at "
                    + dir.resolve("agent.sock")), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void socketOverridesTheConfig() {
        Path socket = dir.resolve("other.sock");
        assertEquals(ExitCodes.USAGE, Main.execute("status", "--config", dir.resolve("missing.yaml").toString(), "--socket", socket.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no socket at " + socket), err.toString(StandardCharsets.UTF_8));
    }
}
