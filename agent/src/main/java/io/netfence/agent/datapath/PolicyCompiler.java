package io.netfence.agent.datapath;

import io.netfence.agent.datapath.CompiledRuleset.Entry;
import io.netfence.agent.datapath.CompiledRuleset.PortList;
import io.netfence.agent.datapath.CompiledRuleset.PortRule;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.NamePattern;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.Protocol;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns rules into an LPM-shaped ruleset with the semantics "longer prefix first; at equal prefix
 * a port beats no port, a protocol beats none; at a full tie deny wins (and a plain allow beats
 * own-loopback's); nothing matches: allow".
 *
 * <p>An LPM lookup finds only the longest matching prefix, so each entry carries everything a
 * packet matching it could need: its own port/protocol rules, then those of every shorter prefix
 * covering it, down to the first unconditional rule, which becomes the entry's fallback. Pure: no
 * kernel, cost linear in the rules plus a walk up the covering prefixes of conditional entries.
 */
public final class PolicyCompiler {

    private PolicyCompiler() {}

    /** Rules sharing one prefix. */
    private static final class Group {
        Verdict unconditional;
        final List<Rule> conditional = new ArrayList<>(0);
    }

    private static final Comparator<Rule> DECISION_ORDER = Comparator
            .comparingInt(Rule::specificity).reversed()
            .thenComparing(r -> r.verdict() == Verdict.DENY ? 0 : 1);

    /** @throws PolicyTooLargeException when more port rules apply to one prefix than a list holds */
    public static CompiledRuleset compile(List<Rule> rules) {
        return compile(rules, List.of());
    }

    /**
     * Compiles prefix rules and name rules; the port lists of both share the ruleset's lists.
     *
     * @throws PolicyTooLargeException when more port rules apply to one prefix or name than a list holds
     */
    public static CompiledRuleset compile(List<Rule> rules, List<NameRule> names) {
        Map<IpPrefix, Group> groups = new LinkedHashMap<>(Math.max(16, rules.size() * 4 / 3 + 1));
        for (Rule rule : rules) {
            Group group = groups.get(rule.prefix());
            if (group == null) {
                group = new Group();
                groups.put(rule.prefix(), group);
            }
            if (rule.isUnconditional()) {
                group.unconditional = group.unconditional == null ? rule.verdict() : Verdict.atTie(group.unconditional, rule.verdict());
            } else {
                group.conditional.add(rule);
            }
        }
        for (Group group : groups.values()) {
            if (group.conditional.size() > 1) {
                group.conditional.sort(DECISION_ORDER);
            }
        }

        List<Entry> entries = new ArrayList<>(groups.size());
        List<PortList> lists = new ArrayList<>();
        Map<PortList, Integer> listIndex = new HashMap<>();
        for (Map.Entry<IpPrefix, Group> e : groups.entrySet()) {
            IpPrefix prefix = e.getKey();
            Group group = e.getValue();
            if (group.conditional.isEmpty()) {
                entries.add(new Entry(prefix, group.unconditional, 0));
                continue;
            }
            List<PortRule> chain = new ArrayList<>();
            Verdict fallback = Verdict.ALLOW;
            for (int length = prefix.length(); length >= 0; length--) {
                Group covering = length == prefix.length() ? group : groups.get(prefix.truncate(length));
                if (covering == null) {
                    continue;
                }
                for (Rule rule : covering.conditional) {
                    chain.add(portRule(rule));
                }
                if (covering.unconditional != null) {
                    fallback = covering.unconditional;
                    break;
                }
            }
            if (chain.size() > Abi.PORTLIST_MAX) {
                throw new PolicyTooLargeException(prefix + " is covered by " + chain.size()
                        + " port/protocol rules; at most " + Abi.PORTLIST_MAX + " may apply to one prefix");
            }
            PortList list = new PortList(List.copyOf(chain));
            int index = listIndex.computeIfAbsent(list, l -> {
                lists.add(l);
                return lists.size();
            });
            entries.add(new Entry(prefix, fallback, index));
        }
        return new CompiledRuleset(entries, lists, compileNames(names, lists, listIndex));
    }

    /**
     * Per pattern, as for a prefix: its own port rules, then those of every wider wildcard
     * covering it, down to the first with an unconditional rule, whose verdict is the fallback.
     * Without one the fallback is null: the address rules decide what no port rule matches.
     */
    private static NameTable compileNames(List<NameRule> names, List<PortList> lists, Map<PortList, Integer> listIndex) {
        Map<NamePattern, List<Rule>> groups = new LinkedHashMap<>();
        Map<NamePattern, Verdict> unconditional = new HashMap<>();
        for (NameRule rule : names) {
            if (rule.isUnconditional()) {
                unconditional.merge(rule.pattern(), rule.verdict(), Verdict::atTie);
            }
            groups.computeIfAbsent(rule.pattern(), p -> new ArrayList<>());
            if (!rule.isUnconditional()) {
                groups.get(rule.pattern()).add(rule.at(ANY_HOST));
            }
        }
        List<NamePattern> widestLast = groups.keySet().stream()
                .sorted(Comparator.comparingInt(NamePattern::specificity).reversed()).toList();
        List<NameTable.Entry> entries = new ArrayList<>(groups.size());
        for (NamePattern pattern : groups.keySet()) {
            List<PortRule> chain = new ArrayList<>();
            Verdict fallback = null;
            for (NamePattern covering : widestLast) {
                if (!covering.equals(pattern) && !pattern.within(covering)) {
                    continue;
                }
                groups.get(covering).stream().sorted(DECISION_ORDER).forEach(rule -> chain.add(portRule(rule)));
                fallback = unconditional.get(covering);
                if (fallback != null) {
                    break;
                }
            }
            if (chain.size() > Abi.PORTLIST_MAX) {
                throw new PolicyTooLargeException(pattern + " is covered by " + chain.size()
                        + " port/protocol rules; at most " + Abi.PORTLIST_MAX + " may apply to one name");
            }
            int index = 0;
            if (!chain.isEmpty()) {
                index = listIndex.computeIfAbsent(new PortList(List.copyOf(chain)), l -> {
                    lists.add(l);
                    return lists.size();
                });
            }
            entries.add(new NameTable.Entry(pattern, fallback, index));
        }
        return new NameTable(entries);
    }

    /** Where name rules stand while compiled: only their verdict, protocol and ports matter. */
    private static final IpPrefix ANY_HOST = IpPrefix.parse("0.0.0.0/32");

    private static PortRule portRule(Rule rule) {
        int bits;
        if (rule.protocol() == null) {
            bits = rule.ports() != null ? Abi.PROTO_TCP | Abi.PROTO_UDP : Abi.PROTO_ANY;
        } else {
            bits = switch (rule.protocol()) {
                case TCP -> Abi.PROTO_TCP;
                case UDP -> Abi.PROTO_UDP;
                case ICMP -> Abi.PROTO_ICMP;
            };
        }
        int from = rule.ports() == null ? 0 : rule.ports().from();
        int to = rule.ports() == null ? 65535 : rule.ports().to();
        return new PortRule(from, to, bits, rule.verdict());
    }

    /** The protocol bit of a packet, as the BPF programs compute it. */
    public static int protocolBit(Protocol protocol) {
        if (protocol == null) {
            return Abi.PROTO_OTHER;
        }
        return switch (protocol) {
            case TCP -> Abi.PROTO_TCP;
            case UDP -> Abi.PROTO_UDP;
            case ICMP -> Abi.PROTO_ICMP;
        };
    }
}
