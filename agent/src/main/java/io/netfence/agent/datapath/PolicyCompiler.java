package io.netfence.agent.datapath;

import io.netfence.agent.datapath.CompiledRuleset.PortList;
import io.netfence.agent.datapath.CompiledRuleset.PortRule;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.NamePattern;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PortRange;
import io.netfence.agent.policy.Protocol;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleList;
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
 * kernel, no object per rule or prefix; cost linear in the rules, plus a sort of the prefixes a
 * port rule's prefix can be covered by where there are port rules.
 */
public final class PolicyCompiler {

    private PolicyCompiler() {}

    private static final Comparator<Rule> DECISION_ORDER = Comparator
            .comparingInt(Rule::specificity).reversed()
            .thenComparing(r -> r.verdict() == Verdict.DENY ? 0 : 1);

    /** @throws PolicyTooLargeException when more port rules apply to one prefix than a list holds */
    public static CompiledRuleset compile(List<Rule> rules) {
        return compile(rules, List.of());
    }

    /**
     * Compiles prefix rules and name rules; the port lists of both share the ruleset's lists.
     * Rules in a {@link RuleList} are compiled from its columns, others are put in one first.
     *
     * @throws PolicyTooLargeException when more port rules apply to one prefix or name than a list holds
     */
    public static CompiledRuleset compile(List<Rule> rules, List<NameRule> names) {
        RuleList list = RuleList.of(rules);
        PrefixGroups groups = PrefixGroups.of(list);
        int n = groups.count();
        RuleList entries = new RuleList(n);
        int[] portList = new int[n];
        List<PortList> lists = new ArrayList<>();
        Map<PortList, Integer> listIndex = new HashMap<>();
        List<PortRule> chain = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            boolean ipv4 = groups.isIpv4(g);
            Verdict fallback = groups.unconditional(g);
            if (groups.hasConditional(g)) {
                chain.clear();
                fallback = chain(groups, g, list, chain);
                if (chain.size() > Abi.PORTLIST_MAX) {
                    throw new PolicyTooLargeException(IpPrefix.ofBits(ipv4, groups.high(g), groups.low(g), groups.length(g)) + " is covered by "
                            + chain.size() + " port/protocol rules; at most " + Abi.PORTLIST_MAX + " may apply to one prefix");
                }
                PortList ports = new PortList(List.copyOf(chain));
                portList[g] = listIndex.computeIfAbsent(ports, l -> {
                    lists.add(l);
                    return lists.size();
                });
            }
            entries.add(fallback, ipv4, groups.high(g), groups.low(g), groups.length(g), null, 0, 0);
        }
        return new CompiledRuleset(new PrefixEntries(entries, portList), lists,
                compileNames(names, lists, listIndex));
    }

    /**
     * Collects into {@code chain} the port rules of the group and of every shorter prefix covering
     * it, each group's in decision order, up to the first with an unconditional rule; returns that
     * rule's verdict, or ALLOW where none covers it.
     */
    private static Verdict chain(PrefixGroups groups, int group, RuleList rules, List<PortRule> chain) {
        for (int covering = group; covering >= 0; covering = groups.parent(covering)) {
            for (int rule : groups.conditional(covering)) {
                chain.add(portRule(rules.verdict(rule), rules.protocol(rule), rules.hasPorts(rule),
                        rules.portFrom(rule), rules.portTo(rule)));
            }
            Verdict unconditional = groups.unconditional(covering);
            if (unconditional != null) {
                return unconditional;
            }
        }
        return Verdict.ALLOW;
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
        PortRange ports = rule.ports();
        return portRule(rule.verdict(), rule.protocol(), ports != null, ports == null ? 0 : ports.from(),
                ports == null ? 0 : ports.to());
    }

    private static PortRule portRule(Verdict verdict, Protocol protocol, boolean hasPorts, int portFrom, int portTo) {
        int bits;
        if (protocol == null) {
            bits = hasPorts ? Abi.PROTO_TCP | Abi.PROTO_UDP : Abi.PROTO_ANY;
        } else {
            bits = switch (protocol) {
                case TCP -> Abi.PROTO_TCP;
                case UDP -> Abi.PROTO_UDP;
                case ICMP -> Abi.PROTO_ICMP;
            };
        }
        return hasPorts ? new PortRule(portFrom, portTo, bits, verdict) : new PortRule(0, 65535, bits, verdict);
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
