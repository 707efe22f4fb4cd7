package io.netfence.agent.daemon;

import io.netfence.agent.api.Peer;
import io.netfence.agent.config.UnprivilegedRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * What /proc and /etc/group say about a caller of the run socket, for the decisions the agent
 * makes on its behalf: may it run at all, and is the process it names its own stopped child.
 */
final class ProcessFacts {
    private static final Path GROUPS = Path.of("/etc/group");

    private ProcessFacts() {}

    /** Why the peer may not start runs, if it may not. */
    static Optional<String> mayRun(Peer peer, UnprivilegedRuns settings) {
        return switch (settings.allow()) {
            case EVERYONE -> Optional.empty();
            case NOBODY -> Optional.of("runs without root are turned off on this host (unprivileged_run: allow: nobody)");
            case GROUP -> inGroup(peer.pid(), settings.group()) ? Optional.empty()
                    : Optional.of("runs without root are for the members of group '" + settings.group()
                            + "' on this host (ask an administrator: usermod -aG " + settings.group() + " USER; then log in again)");
        };
    }

    private static boolean inGroup(long pid, String group) {
        try {
            Optional<String> gid = Files.readAllLines(GROUPS).stream().map(l -> l.split(":", -1))
                    .filter(f -> f.length >= 3 && f[0].equals(group)).map(f -> f[2]).findFirst();
            if (gid.isEmpty()) {
                return false;
            }
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Groups:") || line.startsWith("Gid:")) {
                    if (Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")).contains(gid.get())) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Why {@code pid} is not the peer's own stopped child (so no caller can have another user's
     * or another program's process moved), if it is not.
     */
    static Optional<String> stoppedChild(long pid, Peer peer) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long parent = Long.parseLong(fields[1]);
            String uid = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.substring(4).trim().split("\\s+")[0]).findFirst().orElse("");
            if (parent != peer.pid() || !uid.equals(Integer.toString(peer.uid()))) {
                return Optional.of("process " + pid + " is not a child of the caller (pid " + peer.pid() + ", uid " + peer.uid() + ")");
            }
            if (!fields[0].equals("T")) {
                return Optional.of("process " + pid + " is not stopped: a run's process waits, stopped, to be moved in");
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("no process " + pid);
        }
    }
}
