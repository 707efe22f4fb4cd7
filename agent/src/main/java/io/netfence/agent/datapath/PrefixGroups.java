package io.netfence.agent.datapath;

import io.netfence.agent.policy.RuleList;
import io.netfence.agent.policy.Verdict;
import java.util.Arrays;

/**
 * The rules of a {@link RuleList} grouped by prefix, in the order each prefix first appears:
 * per group the verdict of its unconditional rules and its port/protocol rules in decision order,
 * and the group covering each. Rules find their group in one open-addressing table of
 * fingerprinted slots, filled partition by partition. No object per rule or group.
 */
final class PrefixGroups {
    private static final byte NONE = -1;
    /** 2^12 slots (32 KiB) a partition of the table. */
    private static final int PARTITION_BITS = 12;
    private static final Verdict[] VERDICTS = Verdict.values();
    private static final long SEED = java.util.concurrent.ThreadLocalRandom.current().nextLong();

    private final RuleList rules;
    private int count;
    /** Per group: its first rule, whose family, length and address are the group's. */
    private final int[] firstRule;
    /** Per group: the verdict (ordinal) of its unconditional rules at their tie, or NONE. */
    private final byte[] unconditional;
    /** Fingerprint << 32 | first rule of a prefix + 1, at most half full; 0 is a free slot. */
    private final long[] slots;
    /** Per group: its parent in the prefix trie ({@link PrefixParents}); made for the first walk up. */
    private int[] parents;
    /** Per group: where its conditional rules start in {@link #conditional}; null when no rule is conditional. */
    private int[] conditionalFrom;
    private int[] conditionalCount;
    /** Rule indexes of every conditional rule, by group, each group's in decision order. */
    private int[] conditional = new int[0];

    private PrefixGroups(RuleList rules) {
        this.rules = rules;
        this.firstRule = new int[rules.size()];
        this.unconditional = new byte[rules.size()];
        this.slots = new long[Math.max(2, Integer.highestOneBit(Math.max(1, rules.size()) * 2 - 1) << 1)];
    }

    static PrefixGroups of(RuleList rules) {
        PrefixGroups groups = new PrefixGroups(rules);
        int[] groupOf = groups.group();
        groups.orderConditional(groupOf);
        return groups;
    }

    int count() {
        return count;
    }

    boolean isIpv4(int group) {
        return rules.isIpv4(firstRule[group]);
    }

    int length(int group) {
        return rules.length(firstRule[group]);
    }

    long high(int group) {
        return rules.high(firstRule[group]);
    }

    long low(int group) {
        return rules.low(firstRule[group]);
    }

    /** The verdict of the group's unconditional rules, or null where it has none. */
    Verdict unconditional(int group) {
        return unconditional[group] == NONE ? null : VERDICTS[unconditional[group]];
    }

    boolean hasConditional(int group) {
        return conditionalFrom != null && conditionalCount[group] > 0;
    }

    /** The rule indexes of the group's port/protocol rules, in decision order. */
    int[] conditional(int group) {
        return hasConditional(group)
                ? Arrays.copyOfRange(conditional, conditionalFrom[group], conditionalFrom[group] + conditionalCount[group])
                : new int[0];
    }

    /** The nearest shorter group covering this one, or -1; only for groups with port rules and their ancestors. */
    int parent(int group) {
        if (parents == null) {
            parents = PrefixParents.of(this);
        }
        return parents[group];
    }

    /**
     * The first rule of each rule's prefix (itself where the prefix is new). The rules are
     * inserted partition by partition of the table, in rule order within each, so that the
     * slots a partition probes (32 KiB) stay in cache instead of missing once per rule; rules of
     * one prefix share a partition, so the first still comes first.
     */
    private int[] firstRules() {
        int n = rules.size();
        int mask = slots.length - 1;
        int shift = PARTITION_BITS;
        int[] starts = new int[(mask >>> shift) + 2];
        for (int r = 0; r < n; r++) {
            starts[(((int) hash(r) & mask) >>> shift) + 1]++;
        }
        for (int p = 1; p < starts.length; p++) {
            starts[p] += starts[p - 1];
        }
        int[] order = new int[n];
        long[] hashes = new long[n];
        for (int r = 0; r < n; r++) {
            long hash = hash(r);
            int at = starts[((int) hash & mask) >>> shift]++;
            order[at] = r;
            hashes[at] = hash;
        }
        int[] first = new int[n];
        for (int at = 0; at < n; at++) {
            first[order[at]] = insert(order[at], hashes[at], mask);
        }
        return first;
    }

    /** The first rule of the prefix of {@code rule} in the table, or {@code rule}, now there. */
    private int insert(int rule, long hash, int mask) {
        int i = (int) hash & mask;
        for (long slot = slots[i]; slot != 0; slot = slots[i = (i + 1) & mask]) {
            if ((int) (slot >>> 32) == (int) (hash >>> 32)) {
                int first = (int) slot - 1;
                if (rules.high(first) == rules.high(rule) && rules.low(first) == rules.low(rule)
                        && rules.length(first) == rules.length(rule) && rules.isIpv4(first) == rules.isIpv4(rule)) {
                    return first;
                }
            }
        }
        slots[i] = (hash >>> 32) << 32 | (rule + 1L);
        return rule;
    }

    /** Puts each rule in its prefix's group, numbered in the order prefixes first appear; returns the group of each rule. */
    private int[] group() {
        int[] groupOf = firstRules();
        int conditionalRules = 0;
        for (int r = 0; r < rules.size(); r++) {
            int first = groupOf[r];
            int group;
            if (first == r) {
                group = count++;
                firstRule[group] = r;
                unconditional[group] = NONE;
            } else {
                group = groupOf[first]; // an earlier rule's, already its group
            }
            groupOf[r] = group;
            if (!rules.isUnconditional(r)) {
                conditionalRules++;
            } else if (unconditional[group] == NONE) {
                unconditional[group] = (byte) rules.verdict(r).ordinal();
            } else {
                unconditional[group] = (byte) Verdict.atTie(VERDICTS[unconditional[group]], rules.verdict(r)).ordinal();
            }
        }
        conditional = new int[conditionalRules];
        return groupOf;
    }

    /**
     * Sorts the conditional rules by group, then as the decision takes them (a port beats none,
     * then a protocol beats none, then deny first), then in file order.
     */
    private void orderConditional(int[] groupOf) {
        if (conditional.length == 0) {
            return;
        }
        long[] keys = new long[conditional.length];
        int n = 0;
        for (int r = 0; r < rules.size(); r++) {
            if (!rules.isUnconditional(r)) {
                int rank = (3 - rules.specificity(r)) * 2 + (rules.verdict(r) == Verdict.DENY ? 0 : 1);
                keys[n++] = (long) groupOf[r] << 34 | (long) rank << 31 | r;
            }
        }
        Arrays.sort(keys);
        conditionalFrom = new int[count];
        conditionalCount = new int[count];
        for (int i = 0; i < keys.length; i++) {
            int group = (int) (keys[i] >>> 34);
            conditional[i] = (int) (keys[i] & Integer.MAX_VALUE);
            if (conditionalCount[group]++ == 0) {
                conditionalFrom[group] = i;
            }
        }
    }

    /**
     * The rule's address halves, length and family mixed with fmix64 of MurmurHash3: neighbouring
     * prefixes land far apart, and the seed of this process, mixed in first, keeps anyone from
     * writing a list whose prefixes all share a slot (PolicyLimits: no input may make parsing slow).
     */
    private long hash(int rule) {
        int shape = rules.length(rule) | (rules.isIpv4(rule) ? 1 << 8 : 0);
        return mix(mix(rules.high(rule) ^ SEED) + rules.low(rule) * 0x9E3779B97F4A7C15L + shape);
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
