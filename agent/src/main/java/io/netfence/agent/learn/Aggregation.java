package io.netfence.agent.learn;

import io.netfence.agent.learn.LearnedRules.Line;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.Rule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wide fan-out summarised, only when asked: host rules of one shape (direction, protocol, ports)
 * whose addresses fall in one /24 (IPv4) or /64 (IPv6), at least {@code min} of them, become one
 * rule for that prefix. It allows more than was seen, which is why it is never the default.
 */
final class Aggregation {
    private Aggregation() {}

    static List<Line> aggregate(List<Line> lines, int min) {
        List<Line> out = new ArrayList<>();
        for (List<Line> group : LearnedRules.byShape(lines).values()) {
            Map<IpPrefix, List<Line>> byNetwork = new LinkedHashMap<>();
            for (Line l : group) {
                IpPrefix prefix = l.rule().prefix();
                byNetwork.computeIfAbsent(prefix.truncate(prefix.isIpv4() ? 24 : 64), k -> new ArrayList<>()).add(l);
            }
            byNetwork.forEach((network, members) -> {
                if (members.size() >= min) {
                    out.add(summary(network, members));
                } else {
                    out.addAll(members);
                }
            });
        }
        return out;
    }

    private static Line summary(IpPrefix network, List<Line> members) {
        Line any = members.get(0);
        Rule rule = new Rule(any.rule().verdict(), network, any.rule().protocol(), any.rule().ports());
        long packets = 0;
        long bytes = 0;
        Instant first = any.first();
        Instant last = any.last();
        for (Line l : members) {
            packets += l.packets();
            bytes += l.bytes();
            first = l.first().isBefore(first) ? l.first() : first;
            last = l.last().isAfter(last) ? l.last() : last;
        }
        return new Line(any.ingress(), rule, packets, bytes, first, last, members.size(), any.denied());
    }
}
