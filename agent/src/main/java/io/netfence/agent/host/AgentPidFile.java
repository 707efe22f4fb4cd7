package io.netfence.agent.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * /run/netfence/agent.pid: while the agent lives, CLI calls leave the shared programs and maps
 * pinned even when nothing is confined, and refuse to start a second agent.
 */
public final class AgentPidFile {
    private AgentPidFile() {}

    private static Path of(Path runtimeDirectory) {
        return runtimeDirectory.resolve("agent.pid");
    }

    public static boolean agentRunning(Path runtimeDirectory) {
        return runningAgent(runtimeDirectory) != 0;
    }

    /** The live agent's pid, or 0. */
    public static long runningAgent(Path runtimeDirectory) {
        try {
            long pid = Long.parseLong(Files.readString(of(runtimeDirectory)).strip());
            return LivePids.isAlive(pid) ? pid : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    public static boolean runningAgentIsMe(Path runtimeDirectory) {
        return runningAgent(runtimeDirectory) == ProcessHandle.current().pid();
    }

    public static void claim(Path runtimeDirectory) throws IOException {
        long running = runningAgent(runtimeDirectory);
        if (running != 0 && running != ProcessHandle.current().pid()) {
            throw new IllegalStateException("another netfence agent is running (pid " + running + ")");
        }
        Files.createDirectories(runtimeDirectory);
        Files.writeString(of(runtimeDirectory), ProcessHandle.current().pid() + "\n");
    }

    public static void release(Path runtimeDirectory) throws IOException {
        if (runningAgent(runtimeDirectory) == ProcessHandle.current().pid()) {
            Files.deleteIfExists(of(runtimeDirectory));
        }
    }
}
