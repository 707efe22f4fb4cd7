package io.netfence.agent.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a process still runs. A zombie does not: it is dead and only waits to be reaped. */
public final class LivePids {
    private LivePids() {}

    public static boolean isAlive(long pid) {
        if (pid <= 0) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // "pid (comm) S ...": the state follows the last ')', as comm may contain anything
            String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException | IndexOutOfBoundsException e) {
            return false;
        }
    }
}
