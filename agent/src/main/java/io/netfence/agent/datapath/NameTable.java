package io.netfence.agent.datapath;

import io.netfence.agent.policy.NamePattern;
import io.netfence.agent.policy.Verdict;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One direction's name rules as the DNS proxy applies them: per pattern, what an address learned
 * for a name it matches gets in nf_learned. Patterns are kept most specific first, so the first
 * that matches a name decides it (the exact name, then longer wildcard suffixes).
 */
public record NameTable(List<Entry> entries) {
    public static final NameTable EMPTY = new NameTable(List.of());

    /**
     * @param fallback the verdict when no port rule of the list matches; null: none, the address
     *                 rules decide (the pattern and its wider ones only have port rules)
     * @param portList 0 for none, else the index of a list in the ruleset's nf_portlists
     */
    public record Entry(NamePattern pattern, Verdict fallback, int portList) {}

    public NameTable {
        entries = entries.stream().sorted(Comparator.comparingInt((Entry e) -> e.pattern().specificity()).reversed()).toList();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entry deciding a name (normalized), empty when no name rule speaks of it. */
    public Optional<Entry> decide(String name) {
        return entries.stream().filter(e -> e.pattern().matches(name)).findFirst();
    }
}
