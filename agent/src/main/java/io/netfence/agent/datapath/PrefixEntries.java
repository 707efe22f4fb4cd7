package io.netfence.agent.datapath;

import io.netfence.agent.datapath.CompiledRuleset.Entry;
import io.netfence.agent.datapath.abi.RuleKey;
import io.netfence.agent.datapath.abi.RuleValue;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.Verdict;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The entries of a compiled ruleset in columns, 24 bytes an entry: a million prefixes are
 * compiled and encoded without an object each. As a {@code List<Entry>} it makes each entry on
 * {@link #get}; {@link #encode} writes nf_rules keys and values straight from the columns.
 * Immutable.
 */
public final class PrefixEntries extends AbstractList<Entry> implements RandomAccess {
    private static final Verdict[] VERDICTS = Verdict.values();
    private static final int LENGTH_BITS = 0xff;
    private static final int IPV4 = 1 << 8;
    private static final int VERDICT_SHIFT = 9;

    private final long[] high;
    private final long[] low;
    /** Length, family and fallback verdict of each entry. */
    private final int[] shape;
    private final int[] portList;
    private final int size;

    /** Takes the arrays, which no one else may change; entries [0, size). */
    PrefixEntries(long[] high, long[] low, int[] shape, int[] portList, int size) {
        this.high = high;
        this.low = low;
        this.shape = shape;
        this.portList = portList;
        this.size = size;
    }

    /** The shape of an entry as the columns hold it. */
    static int shape(boolean ipv4, int length, Verdict fallback) {
        return length | (ipv4 ? IPV4 : 0) | fallback.ordinal() << VERDICT_SHIFT;
    }

    /** Entries given as objects (tests, small rulesets). */
    public static PrefixEntries of(List<Entry> entries) {
        int n = entries.size();
        long[] high = new long[n];
        long[] low = new long[n];
        int[] shape = new int[n];
        int[] portList = new int[n];
        for (int i = 0; i < n; i++) {
            Entry entry = entries.get(i);
            IpPrefix prefix = entry.prefix();
            high[i] = prefix.high();
            low[i] = prefix.low();
            shape[i] = shape(prefix.isIpv4(), prefix.length(), entry.fallback());
            portList[i] = entry.portList();
        }
        return new PrefixEntries(high, low, shape, portList, n);
    }

    @Override
    public Entry get(int index) {
        java.util.Objects.checkIndex(index, size);
        return new Entry(prefix(index), fallback(index), portList[index]);
    }

    @Override
    public int size() {
        return size;
    }

    public boolean isIpv4(int index) {
        return (shape[index] & IPV4) != 0;
    }

    public int length(int index) {
        return shape[index] & LENGTH_BITS;
    }

    /** The address's high half (see {@link io.netfence.agent.policy.AddressBits}). */
    public long high(int index) {
        return high[index];
    }

    /** The address's low half (see {@link io.netfence.agent.policy.AddressBits}). */
    public long low(int index) {
        return low[index];
    }

    public Verdict fallback(int index) {
        return VERDICTS[shape[index] >>> VERDICT_SHIFT & 3];
    }

    /** 0 for none, else the 1-based index into the ruleset's port lists. */
    public int portList(int index) {
        return portList[index];
    }

    public IpPrefix prefix(int index) {
        return IpPrefix.ofBits(isIpv4(index), high[index], low[index], length(index));
    }

    /**
     * Appends the nf_rules keys (of {@code ruleset}) and values of entries [from, from + count) to
     * {@code keys} and {@code values}: what {@link RuleKey#encode(ByteBuffer, int, IpPrefix)} and
     * {@link RuleValue#encode} write for each {@link Entry}, without making one.
     */
    public void encode(int ruleset, int from, int count, ByteBuffer keys, ByteBuffer values) {
        java.util.Objects.checkFromIndexSize(from, count, size);
        for (int i = from; i < from + count; i++) {
            RuleKey.encode(keys, ruleset, isIpv4(i), length(i), high[i], low[i]);
            RuleValue.encode(values, fallback(i), portList[i]);
        }
    }
}
