package io.netfence.agent.learn;

import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.PortRange;
import io.netfence.agent.policy.Protocol;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recorded flows as a policy that allows exactly them: {@code deny any} both ways, loopback among
 * the confinement's own processes, then one allow per flow, sorted, each commented with its counts
 * and first and last sighting. Answers to ephemeral ports are allowed from the peer to the whole
 * ephemeral range, so the next run's new ports are covered. Flows only ever denied by a policy in
 * force are listed as comments: allowing them is a decision, not an observation.
 */
public final class LearnedRules {
    /** With --aggregate: this many addresses of one /24 (IPv4) or /64 (IPv6), same ports, become the prefix. */
    public static final int AGGREGATE_MIN_ADDRESSES = 16;
    private static final int COMMENT_COLUMN = 44;

    /** One allow with what it stands for. */
    record Line(boolean ingress, Rule rule, long packets, long bytes, Instant first, Instant last, int addresses, boolean denied) {
        String text() {
            return (ingress ? "ingress-" : "") + rule;
        }

        String comment() {
            String what = (denied ? "denied by a policy in force, " : "") + packets + (packets == 1 ? " packet" : " packets")
                    + ", " + bytes + " bytes" + (addresses > 1 ? ", " + addresses + " addresses" : "");
            return what + ", first " + first.truncatedTo(ChronoUnit.SECONDS) + ", last " + last.truncatedTo(ChronoUnit.SECONDS);
        }
    }

    private LearnedRules() {}

    /** A rules file for {@code run --rules-file} and {@code attach --rules-file}. */
    public static String rulesFile(List<String> header, List<ObservedFlow> flows, boolean aggregate) {
        StringBuilder out = new StringBuilder();
        header.forEach(h -> out.append("# ").append(h).append('\n'));
        for (boolean ingress : new boolean[] {false, true}) {
            String action = ingress ? "ingress-" : "";
            out.append('\n').append("# ").append(ingress ? "ingress: peers that reached this command's ports, and answers"
                    : "egress: destinations").append('\n');
            out.append(action).append("deny any\n");
            out.append(commented(action + "allow " + RuleSyntax.OWN_LOOPBACK, ownComment(flows, ingress)));
            for (Line line : lines(flows, ingress, aggregate)) {
                out.append(line.denied() ? "# " : "").append(commented(line.text(), line.comment()));
            }
        }
        return out.toString();
    }

    /** An agent policy file with one policy, in audit mode: roll it out, watch, then enforce. */
    public static String policyYaml(List<String> header, String name, String target, List<ObservedFlow> flows, boolean aggregate) {
        StringBuilder out = new StringBuilder();
        header.forEach(h -> out.append("# ").append(h).append('\n'));
        out.append("policies:\n");
        out.append("  - name: ").append(name).append('\n');
        out.append("    target: ").append(target).append('\n');
        out.append("    mode: audit                      # learned: watch the audit events, then enforce\n");
        for (boolean ingress : new boolean[] {false, true}) {
            out.append("    ").append(ingress ? "ingress" : "egress").append(":\n");
            out.append("      - deny any\n");
            out.append(commented("      - allow " + RuleSyntax.OWN_LOOPBACK, ownComment(flows, ingress)));
            for (Line line : lines(flows, ingress, aggregate)) {
                String item = "      - " + line.rule();
                out.append(line.denied() ? commented("    # " + item.strip(), line.comment()) : commented(item, line.comment()));
            }
        }
        return out.toString();
    }

    private static String ownComment(List<ObservedFlow> flows, boolean ingress) {
        long own = flows.stream().filter(f -> f.own() && f.ingress() == ingress).count();
        return "loopback among its own processes (" + own + (own == 1 ? " flow seen)" : " flows seen)");
    }

    private static String commented(String text, String comment) {
        return text + " ".repeat(Math.max(1, COMMENT_COLUMN - text.length())) + "# " + comment + "\n";
    }

    /** The allows of one direction, sorted; own-loopback flows are the own-loopback rule's. */
    static List<Line> lines(List<ObservedFlow> flows, boolean ingress, boolean aggregate) {
        List<Line> lines = new ArrayList<>();
        for (ObservedFlow f : ObservedFlow.merge(flows)) {
            if (f.ingress() == ingress && !f.own()) {
                lines.add(new Line(ingress, ruleOf(f), f.packets(), f.bytes(), f.first(), f.last(), 1, f.onlyDenied()));
            }
        }
        if (aggregate) {
            lines = Aggregation.aggregate(lines, AGGREGATE_MIN_ADDRESSES);
        }
        lines.sort(ORDER);
        return lines;
    }

    static Rule ruleOf(ObservedFlow f) {
        Protocol protocol = f.ruleProtocol();
        PortRange ports = protocol == Protocol.TCP || protocol == Protocol.UDP ? f.ports() : null;
        return new Rule(Verdict.ALLOW, f.remote(), protocol, ports);
    }

    static final Comparator<Line> ORDER = Comparator.<Line, Boolean>comparing(l -> l.denied())
            .thenComparing(l -> l.rule().prefix(), LearnedRules::compare)
            .thenComparing(l -> l.rule().protocol() == null ? -1 : l.rule().protocol().ordinal())
            .thenComparing(l -> l.rule().ports() == null ? 0 : l.rule().ports().from());

    /** IPv4 before IPv6, then by address as an unsigned number, then shorter prefixes first. */
    static int compare(IpPrefix a, IpPrefix b) {
        if (a.isIpv4() != b.isIpv4()) {
            return a.isIpv4() ? -1 : 1;
        }
        int byAddress = java.util.Arrays.compareUnsigned(a.address(), b.address());
        return byAddress != 0 ? byAddress : Integer.compare(a.length(), b.length());
    }

    /** Lines grouped by everything but the address: the candidates for one prefix. */
    static Map<List<Object>, List<Line>> byShape(List<Line> lines) {
        Map<List<Object>, List<Line>> groups = new LinkedHashMap<>();
        for (Line l : lines) {
            Rule r = l.rule();
            groups.computeIfAbsent(List.of(l.ingress(), l.denied(), r.prefix().isIpv4(), r.protocol() == null ? "" : r.protocol(),
                    r.ports() == null ? "" : r.ports()), k -> new ArrayList<>()).add(l);
        }
        return groups;
    }
}
