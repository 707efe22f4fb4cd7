package io.netfence.agent.api;

import java.util.List;

/** The line {@code netfence run} prints on stderr after the command when anything was denied. */
public final class RunSummary {
    private static final int DESTINATIONS = 3;

    private RunSummary() {}

    /** The summary of {@code denials}, with the first few of the recent destinations; empty when there were none. */
    public static String line(long denials, List<String> recent, boolean audit) {
        if (denials == 0) {
            return "";
        }
        String shown = String.join(", ", recent.subList(0, Math.min(DESTINATIONS, recent.size())));
        String more = recent.size() > DESTINATIONS ? ", ..." : "";
        String what = audit ? "audit: would have denied " : "denied ";
        return "netfence: " + what + denials + (denials == 1 ? " time: " : " times: ") + shown + more;
    }
}
