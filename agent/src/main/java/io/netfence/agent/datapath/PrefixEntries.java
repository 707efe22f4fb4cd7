package io.netfence.agent.datapath;

import io.netfence.agent.datapath.CompiledRuleset.Entry;
import io.netfence.agent.datapath.abi.RuleKey;
import io.netfence.agent.datapath.abi.RuleValue;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.RuleList;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The entries of a compiled ruleset without an object each: their prefixes and fallback verdicts
 * as a frozen {@link RuleList} of unconditional rules (an entry decides as the rule "prefix:
 * fallback" where no port rule of its list matches), and their port lists' indexes. As a
 * {@code List<Entry>} it makes each entry on {@link #get}; {@link #encode} writes nf_rules keys
 * and values straight from the columns. Immutable.
 */
public final class PrefixEntries extends AbstractList<Entry> implements RandomAccess {
    private final RuleList prefixes;
    private final int[] portList;

    /** @param portList per entry: 0 for none, else the 1-based index into the ruleset's port lists */
    PrefixEntries(RuleList prefixes, int[] portList) {
        this.prefixes = prefixes.freeze();
        this.portList = portList;
    }

    /** Entry i's prefix and fallback, as rule i: read their columns (family, length, address halves, verdict). */
    public RuleList prefixes() {
        return prefixes;
    }

    /** 0 for none, else the 1-based index into the ruleset's port lists. */
    public int portList(int index) {
        return portList[index];
    }

    @Override
    public Entry get(int index) {
        java.util.Objects.checkIndex(index, size());
        return new Entry(IpPrefix.ofBits(prefixes.isIpv4(index), prefixes.high(index), prefixes.low(index),
                prefixes.length(index)), prefixes.verdict(index), portList[index]);
    }

    @Override
    public int size() {
        return prefixes.size();
    }

    /**
     * Appends the nf_rules keys (of {@code ruleset}) and values of entries [from, from + count) to
     * {@code keys} and {@code values}: what {@link RuleKey#encode(ByteBuffer, int, IpPrefix)} and
     * {@link RuleValue#encode} write for each {@link Entry}, without making one.
     */
    public void encode(int ruleset, int from, int count, ByteBuffer keys, ByteBuffer values) {
        java.util.Objects.checkFromIndexSize(from, count, size());
        for (int i = from; i < from + count; i++) {
            RuleKey.encode(keys, ruleset, prefixes.isIpv4(i), prefixes.length(i), prefixes.high(i), prefixes.low(i));
            RuleValue.encode(values, prefixes.verdict(i), portList[i]);
        }
    }
}
