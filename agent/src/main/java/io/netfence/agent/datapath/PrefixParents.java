package io.netfence.agent.datapath;

import io.netfence.agent.policy.AddressBits;

/**
 * Each group's parent in the prefix trie: the nearest shorter group whose prefix covers it, or -1.
 * The groups are sorted in the trie's preorder (by address, then shorter first), where every
 * prefix comes right after the prefixes covering it, and swept with a stack of the prefixes still
 * open: O(n log n) however many lengths occur, where walking up length by length costs a lookup
 * per length. Only what a walk up from a port rule can meet is sorted: the groups with port rules
 * and, in each family, every group shorter than the longest of them.
 */
final class PrefixParents {
    private static final int RUN = 8;

    private final PrefixGroups groups;
    private long[] high;
    private long[] low;
    /** family << 40 | length << 32 | group (family 0: IPv4, 1: IPv6): within one address, the shorter first. */
    private long[] tag;
    private int n;

    private PrefixParents(PrefixGroups groups) {
        this.groups = groups;
    }

    static int[] of(PrefixGroups groups) {
        int[] parents = new int[groups.count()];
        java.util.Arrays.fill(parents, -1);
        PrefixParents sweep = new PrefixParents(groups);
        sweep.collect();
        sweep.sort();
        sweep.sweep(parents);
        return parents;
    }

    /** The groups with port rules, and in each family those shorter than the longest of them. */
    private void collect() {
        int[] longest = {-1, -1};
        for (int g = 0; g < groups.count(); g++) {
            if (groups.hasConditional(g)) {
                int family = groups.isIpv4(g) ? 0 : 1;
                longest[family] = Math.max(longest[family], groups.length(g));
            }
        }
        int[] members = new int[groups.count()];
        for (int g = 0; g < groups.count(); g++) {
            if (groups.length(g) < longest[groups.isIpv4(g) ? 0 : 1] || groups.hasConditional(g)) {
                members[n++] = g;
            }
        }
        high = new long[n];
        low = new long[n];
        tag = new long[n];
        for (int i = 0; i < n; i++) {
            int g = members[i];
            high[i] = groups.high(g);
            low[i] = groups.low(g);
            tag[i] = (groups.isIpv4(g) ? 0L : 1L << 40) | (long) groups.length(g) << 32 | g;
        }
    }

    /** In preorder each prefix's parent is the innermost prefix still open, which the stack holds on top. */
    private void sweep(int[] parents) {
        int[] open = new int[Math.min(n, 130)]; // at most 129 nested prefixes (IPv6 /0 to /128)
        int depth = 0;
        for (int i = 0; i < n; i++) {
            while (depth > 0 && !covers(open[depth - 1], i)) {
                depth--;
            }
            parents[(int) tag[i]] = depth == 0 ? -1 : (int) tag[open[depth - 1]];
            open[depth++] = i;
        }
    }

    /** Whether sorted prefix {@code a} covers sorted prefix {@code b}. */
    private boolean covers(int a, int b) {
        boolean ipv4 = tag[a] >>> 40 == 0;
        int length = (int) (tag[a] >>> 32) & 0xff;
        return tag[a] >>> 40 == tag[b] >>> 40 && length < ((int) (tag[b] >>> 32) & 0xff)
                && AddressBits.maskHigh(ipv4, high[b], length) == high[a] && AddressBits.maskLow(ipv4, low[b], length) == low[a];
    }

    /** Trie preorder of sorted entries {@code a} and {@code b}: by family, address, then the shorter first. */
    private int compare(int a, int b) {
        int byFamily = Long.compare(tag[a] >>> 40, tag[b] >>> 40);
        if (byFamily != 0) {
            return byFamily;
        }
        int byHigh = Long.compareUnsigned(high[a], high[b]);
        if (byHigh != 0) {
            return byHigh;
        }
        int byLow = Long.compareUnsigned(low[a], low[b]);
        return byLow != 0 ? byLow : Long.compare(tag[a], tag[b]);
    }

    /** Merge sort of the three columns together: insertion sort of short runs, then merges, O(n log n). */
    private void sort() {
        for (int from = 0; from < n; from += RUN) {
            int to = Math.min(n, from + RUN);
            for (int i = from + 1; i < to; i++) {
                for (int j = i; j > from && compare(j, j - 1) < 0; j--) {
                    swap(j, j - 1);
                }
            }
        }
        long[] h2 = new long[n];
        long[] l2 = new long[n];
        long[] t2 = new long[n];
        for (int width = RUN; width < n; width *= 2) {
            for (int from = 0; from < n; from += 2 * width) {
                int middle = Math.min(n, from + width);
                int to = Math.min(n, from + 2 * width);
                int a = from;
                int b = middle;
                for (int out = from; out < to; out++) {
                    int next = b >= to || (a < middle && compare(a, b) <= 0) ? a++ : b++;
                    h2[out] = high[next];
                    l2[out] = low[next];
                    t2[out] = tag[next];
                }
            }
            long[] swap = high;
            high = h2;
            h2 = swap;
            swap = low;
            low = l2;
            l2 = swap;
            swap = tag;
            tag = t2;
            t2 = swap;
        }
    }

    private void swap(int i, int j) {
        long h = high[i];
        high[i] = high[j];
        high[j] = h;
        long l = low[i];
        low[i] = low[j];
        low[j] = l;
        long t = tag[i];
        tag[i] = tag[j];
        tag[j] = t;
    }
}
