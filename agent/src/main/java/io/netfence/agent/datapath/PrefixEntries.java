package io.netfence.agent.datapath;

import io.netfence.agent.datapath.CompiledRuleset.Entry;
import io.netfence.agent.datapath.abi.HostKey;
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

    /** Whether entry i is an exact host (/32, /128), which the writer keeps in nf_hosts. */
    public boolean isHost(int index) {
        return HostKey.isHost(prefixes.isIpv4(index), prefixes.length(index));
    }

    /** The entries that are exact hosts, in order. */
    public PrefixEntries hosts() {
        return filtered(true);
    }

    /** The entries that are not exact hosts, in order. */
    public PrefixEntries withoutHosts() {
        return filtered(false);
    }

    private PrefixEntries filtered(boolean hosts) {
        int n = 0;
        for (int i = 0; i < size(); i++) {
            n += isHost(i) == hosts ? 1 : 0;
        }
        RuleList selected = new RuleList(n);
        int[] lists = new int[n];
        for (int i = 0, at = 0; i < size(); i++) {
            if (isHost(i) == hosts) {
                selected.add(prefixes.verdict(i), prefixes.isIpv4(i), prefixes.high(i), prefixes.low(i), prefixes.length(i), null, 0, 0);
                lists[at++] = portList[i];
            }
        }
        return new PrefixEntries(selected, lists);
    }

    /**
     * Appends the nf_hosts keys (of {@code ruleset}) and values of entries [from, from + count), all
     * exact hosts, to {@code keys} and {@code values}: what {@link HostKey#encode(ByteBuffer, int, IpPrefix)}
     * and {@link RuleValue#encode} write for each.
     */
    public void encodeHosts(int ruleset, int from, int count, ByteBuffer keys, ByteBuffer values) {
        java.util.Objects.checkFromIndexSize(from, count, size());
        for (int i = from; i < from + count; i++) {
            if (!isHost(i)) {
                throw new IllegalArgumentException(get(i).prefix() + " is not a host; it belongs in nf_rules");
            }
            HostKey.encode(keys, ruleset, prefixes.isIpv4(i), prefixes.high(i), prefixes.low(i));
            RuleValue.encode(values, prefixes.verdict(i), portList[i]);
        }
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
