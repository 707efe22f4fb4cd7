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
 * {@code List<Entry>} it makes each entry on {@link #get}; {@link #encodeHosts} and
 * {@link #encodePrefixes} write the writer's batches of nf_hosts and nf_rules keys and values
 * straight from the columns. Immutable.
 */
public final class PrefixEntries extends AbstractList<Entry> implements RandomAccess {
    private final RuleList prefixes;
    private final int[] portList;
    private int hostCount = -1;

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

    /** How many entries are exact hosts. */
    public int hostCount() {
        if (hostCount < 0) {
            int n = 0;
            for (int i = 0; i < size(); i++) {
                n += isHost(i) ? 1 : 0;
            }
            hostCount = n;
        }
        return hostCount;
    }

    /**
     * Appends the nf_hosts keys (of {@code ruleset}) and values of the next {@code count} exact
     * hosts from entry {@code from} on to {@code keys} and {@code values}, as
     * {@link HostKey#encode(ByteBuffer, int, IpPrefix)} and {@link RuleValue#encode} write them.
     *
     * @return the entry after the last one written: where the next batch starts
     */
    public int encodeHosts(int ruleset, int from, int count, ByteBuffer keys, ByteBuffer values) {
        return encode(true, ruleset, from, count, keys, values);
    }

    /**
     * The same for the next {@code count} entries that are not exact hosts, as nf_rules keys
     * ({@link RuleKey#encode(ByteBuffer, int, IpPrefix)}).
     */
    public int encodePrefixes(int ruleset, int from, int count, ByteBuffer keys, ByteBuffer values) {
        return encode(false, ruleset, from, count, keys, values);
    }

    private int encode(boolean hosts, int ruleset, int from, int count, ByteBuffer keys, ByteBuffer values) {
        int i = from;
        for (int written = 0; written < count; i++) {
            if (i >= size()) {
                throw new IllegalArgumentException("fewer than " + count + (hosts ? " hosts" : " prefixes") + " from entry " + from);
            }
            if (isHost(i) != hosts) {
                continue;
            }
            if (hosts) {
                HostKey.encode(keys, ruleset, prefixes.isIpv4(i), prefixes.high(i), prefixes.low(i));
            } else {
                RuleKey.encode(keys, ruleset, prefixes.isIpv4(i), prefixes.length(i), prefixes.high(i), prefixes.low(i));
            }
            RuleValue.encode(values, prefixes.verdict(i), portList[i]);
            written++;
        }
        return i;
    }
}
