package io.netfence.agent.datapath;

import io.netfence.agent.policy.AddressBits;
import io.netfence.agent.policy.RuleList;
import io.netfence.agent.policy.Verdict;
import java.util.Arrays;

/**
 * The rules of a {@link RuleList} grouped by prefix, in the order each prefix first appears:
 * per group the verdict of its unconditional rules and its port/protocol rules in decision order,
 * and a lookup of a group by prefix. One open-addressing table per family and length holds the
 * groups, so that looking up the prefixes covering one probes only lengths that occur, in tables
 * as small as the rules of that length. No object per rule or group.
 */
final class PrefixGroups {
    private static final int FAMILY_LENGTHS = 33 + 129; // IPv4 /0-/32, then IPv6 /0-/128
    private static final byte NONE = -1;
    private static final Verdict[] VERDICTS = Verdict.values();

    private final RuleList rules;
    private int count;
    /** Per group: its first rule, whose family, length and address are the group's. */
    private final int[] firstRule;
    /** Per group: the verdict (ordinal) of its unconditional rules at their tie, or NONE. */
    private final byte[] unconditional;
    /** Per (family, length): slots of fingerprint << 32 | group + 1; null where no rule has that length. */
    private final long[][] tables = new long[FAMILY_LENGTHS][];
    /**
     * Per (family, length): a filter of 16 bits a group (a Bloom filter with one hash), so that
     * most lookups of a covering prefix that is not there end in it, not in the table, eight
     * times its size; made on the first such lookup.
     */
    private long[][] filters;
    /** Per group: where its conditional rules start in {@link #conditional}; null when no rule is conditional. */
    private int[] conditionalFrom;
    private int[] conditionalCount;
    /** Rule indexes of every conditional rule, by group, each group's in decision order. */
    private int[] conditional = new int[0];

    private PrefixGroups(RuleList rules) {
        this.rules = rules;
        this.firstRule = new int[rules.size()];
        this.unconditional = new byte[rules.size()];
    }

    static PrefixGroups of(RuleList rules) {
        PrefixGroups groups = new PrefixGroups(rules);
        groups.allocateTables();
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

    /** The lengths that occur in the family, longest first. */
    int[] lengths(boolean ipv4) {
        int max = ipv4 ? 32 : 128;
        int[] found = new int[max + 1];
        int n = 0;
        for (int length = max; length >= 0; length--) {
            if (tables[table(ipv4, length)] != null) {
                found[n++] = length;
            }
        }
        return Arrays.copyOf(found, n);
    }

    /**
     * The group of the prefix of {@code length} bits that covers {@code group}'s, or -1: as
     * {@link #find}, for the many lookups of walking up from a prefix, most of which find nothing.
     */
    int covering(int group, int length) {
        boolean ipv4 = isIpv4(group);
        long high = AddressBits.maskHigh(ipv4, high(group), length);
        long low = AddressBits.maskLow(ipv4, low(group), length);
        int t = table(ipv4, length);
        if (tables[t] == null) {
            return -1;
        }
        if (filters == null) {
            filters = filters();
        }
        long[] filter = filters[t];
        int bit = (int) (hash(high, low) >>> 16) & (filter.length * 64 - 1);
        if ((filter[bit >>> 6] & 1L << bit) == 0) {
            return -1;
        }
        return find(ipv4, length, high, low);
    }

    /** A filter per table: 16 bits per group, one set per group where its hash says. */
    private long[][] filters() {
        int[] counts = new int[FAMILY_LENGTHS];
        for (int g = 0; g < count; g++) {
            counts[table(isIpv4(g), length(g))]++;
        }
        long[][] filters = new long[FAMILY_LENGTHS][];
        for (int t = 0; t < FAMILY_LENGTHS; t++) {
            if (counts[t] > 0) {
                filters[t] = new long[Math.max(1, Integer.highestOneBit(counts[t] * 16 - 1) >>> 5)];
            }
        }
        for (int g = 0; g < count; g++) {
            long[] filter = filters[table(isIpv4(g), length(g))];
            int bit = (int) (hash(high(g), low(g)) >>> 16) & (filter.length * 64 - 1);
            filter[bit >>> 6] |= 1L << bit;
        }
        return filters;
    }

    /** The group of the prefix (host bits cleared), or -1. */
    int find(boolean ipv4, int length, long high, long low) {
        long[] slots = tables[table(ipv4, length)];
        if (slots == null) {
            return -1;
        }
        long hash = hash(high, low);
        int mask = slots.length - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            long slot = slots[i];
            if (slot == 0) {
                return -1;
            }
            if ((int) (slot >>> 32) == (int) (hash >>> 32)) {
                int group = (int) slot - 1;
                int rule = firstRule[group];
                if (rules.high(rule) == high && rules.low(rule) == low) {
                    return group;
                }
            }
        }
    }

    private static int table(boolean ipv4, int length) {
        return ipv4 ? length : 33 + length;
    }

    /** A table per family and length that occurs, at most half full with every rule a group. */
    private void allocateTables() {
        int[] counts = new int[FAMILY_LENGTHS];
        for (int r = 0; r < rules.size(); r++) {
            counts[table(rules.isIpv4(r), rules.length(r))]++;
        }
        for (int t = 0; t < FAMILY_LENGTHS; t++) {
            if (counts[t] > 0) {
                tables[t] = new long[Integer.highestOneBit(counts[t] * 2 - 1) << 1];
            }
        }
    }

    /** Puts each rule in its prefix's group, made where the prefix is new; returns the group of each rule. */
    private int[] group() {
        int[] groupOf = new int[rules.size()];
        int conditionalRules = 0;
        for (int r = 0; r < rules.size(); r++) {
            boolean ipv4 = rules.isIpv4(r);
            long high = rules.high(r);
            long low = rules.low(r);
            int group = find(ipv4, rules.length(r), high, low);
            if (group < 0) {
                group = add(r, hash(high, low));
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

    private int add(int rule, long hash) {
        int group = count++;
        firstRule[group] = rule;
        unconditional[group] = NONE;
        long[] slots = tables[table(rules.isIpv4(rule), rules.length(rule))];
        int mask = slots.length - 1;
        int i = (int) hash & mask;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = (hash >>> 32) << 32 | (group + 1L);
        return group;
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

    /** fmix64 of MurmurHash3 over both halves: neighbouring addresses land far apart. */
    private static long hash(long high, long low) {
        long h = low + high * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
