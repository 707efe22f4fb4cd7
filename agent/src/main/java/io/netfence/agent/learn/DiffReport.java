package io.netfence.agent.learn;

import io.netfence.agent.learn.PolicyDiff.Difference;
import io.netfence.agent.policy.PortRange;
import io.netfence.agent.policy.Protocol;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PolicyDiff} as people read it: the two lists of differing flows, each flow one line
 * with its counts and first and last sighting, then how many flows agree. Stable: the same diff
 * gives the same text.
 */
public final class DiffReport {
    private static final int FLOW_COLUMN = 36;

    private DiffReport() {}

    public static List<String> lines(PolicyDiff diff) {
        List<String> lines = new ArrayList<>();
        section(lines, "would deny, allowed now", diff.newlyDenied());
        section(lines, "would allow, denied now", diff.newlyAllowed());
        lines.add("agree: " + diff.agreeing() + (diff.agreeing() == 1 ? " flow" : " flows") + " of " + diff.flows());
        return lines;
    }

    private static void section(List<String> lines, String title, List<Difference> differences) {
        lines.add(title + " (" + differences.size() + (differences.isEmpty() ? ")" : "):"));
        for (Difference d : differences) {
            ObservedFlow f = d.flow();
            String flow = (f.ingress() ? "ingress " : "egress  ") + flowText(f, d.ports());
            lines.add("  " + flow + " ".repeat(Math.max(1, FLOW_COLUMN - flow.length())) + counts(f));
        }
    }

    /** {@code 198.18.0.2:443/tcp}, {@code [fd00::2]:32768-65535/udp}, {@code 198.18.0.2/icmp}, {@code 198.18.0.2/proto 47}. */
    static String flowText(ObservedFlow f, PortRange ports) {
        String address = f.remote().addressText();
        Protocol protocol = f.ruleProtocol();
        StringBuilder out = new StringBuilder(ports != null && !f.remote().isIpv4() ? "[" + address + "]" : address);
        if (ports != null) {
            out.append(':').append(ports);
        }
        out.append('/').append(protocol != null ? protocol.keyword() : "proto " + f.protocol());
        if (f.own()) {
            out.append(" (own loopback)");
        }
        return out.toString();
    }

    private static String counts(ObservedFlow f) {
        return f.packets() + (f.packets() == 1 ? " packet" : " packets") + (f.denied() > 0 ? " (" + f.denied() + " denied)" : "")
                + ", first " + f.first().truncatedTo(ChronoUnit.SECONDS) + ", last " + f.last().truncatedTo(ChronoUnit.SECONDS);
    }
}
