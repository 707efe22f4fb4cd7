package io.netfence.agent.policy;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;

/**
 * Rules held in columns, 24 bytes a rule and no object per rule: a rules file of a million
 * prefixes is read, put in a {@link Policy} and compiled without making a million {@link Rule}s.
 * As a {@code List<Rule>} it makes each rule on {@link #get}; the primitive accessors are for
 * the loops that read every rule. A list appended to is not shared: {@link #immutable} gives a
 * frozen copy, which is, and its maker can {@link #freeze} it instead of copying.
 */
public final class RuleList extends AbstractList<Rule> implements RandomAccess {
    private static final Verdict[] VERDICTS = Verdict.values();
    private static final Protocol[] PROTOCOLS = Protocol.values();
    private static final int LENGTH_BITS = 0xff;
    private static final int IPV4 = 1 << 8;
    private static final int VERDICT_SHIFT = 9;
    private static final int PROTOCOL_SHIFT = 11; // 0: any, else 1 + ordinal

    private long[] high;
    private long[] low;
    /** Length, family, verdict and protocol of each rule. */
    private int[] shape;
    /** First port << 16 | last port; 0: any port. */
    private int[] ports;
    private int size;
    private boolean frozen;

    public RuleList() {
        this(16);
    }

    public RuleList(int capacity) {
        this(new long[capacity], new long[capacity], new int[capacity], new int[capacity], 0, false);
    }

    private RuleList(long[] high, long[] low, int[] shape, int[] ports, int size, boolean frozen) {
        this.high = high;
        this.low = low;
        this.shape = shape;
        this.ports = ports;
        this.size = size;
        this.frozen = frozen;
    }

    /**
     * The rules as a list no one can change: a frozen RuleList as it is, a RuleList as a frozen
     * copy, any other list as {@link List#copyOf} (those are the few rules of options and policy
     * files, read rule by rule elsewhere).
     */
    public static List<Rule> immutable(List<Rule> rules) {
        if (rules instanceof RuleList list) {
            return list.frozen ? list : list.frozenCopy();
        }
        return List.copyOf(rules);
    }

    /** The rules in columns: the list itself where it is a RuleList, else a copy. */
    public static RuleList of(List<Rule> rules) {
        if (rules instanceof RuleList list) {
            return list;
        }
        RuleList list = new RuleList(rules.size());
        list.addAll(rules);
        return list;
    }

    /** Stops appends to this list, whose maker hands it on: frozen, it may be shared. Returns it. */
    public RuleList freeze() {
        frozen = true;
        return this;
    }

    private RuleList frozenCopy() {
        return new RuleList(Arrays.copyOf(high, size), Arrays.copyOf(low, size), Arrays.copyOf(shape, size),
                Arrays.copyOf(ports, size), size, true);
    }

    @Override
    public boolean add(Rule rule) {
        IpPrefix prefix = rule.prefix();
        PortRange range = rule.ports();
        add(rule.verdict(), prefix.isIpv4(), prefix.high(), prefix.low(), prefix.length(), rule.protocol(),
                range == null ? 0 : range.from(), range == null ? 0 : range.to());
        return true;
    }

    /**
     * Appends a rule given by its parts; host bits are cleared. {@code portFrom} 0 means any port
     * (then {@code portTo} is ignored).
     *
     * @throws IllegalArgumentException as {@link Rule}, {@link PortRange} and {@link IpPrefix} refuse the same parts
     */
    public void add(Verdict verdict, boolean ipv4, long high, long low, int length, Protocol protocol, int portFrom, int portTo) {
        if (frozen) {
            throw new UnsupportedOperationException("a frozen rule list");
        }
        if (length < 0 || length > (ipv4 ? 32 : 128)) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range for "
                    + (ipv4 ? "IPv4 (0-32)" : "IPv6 (0-128)"));
        }
        if (portFrom != 0) {
            if (portFrom < 1 || portTo > PortRange.MAX || portFrom > portTo) {
                throw new IllegalArgumentException("invalid port range " + portFrom + "-" + portTo);
            }
            if (protocol == Protocol.ICMP) {
                throw new IllegalArgumentException("ports apply to tcp and udp only, not icmp");
            }
        }
        if (size == shape.length) {
            grow();
        }
        this.high[size] = AddressBits.maskHigh(ipv4, high, length);
        this.low[size] = AddressBits.maskLow(ipv4, low, length);
        this.shape[size] = length | (ipv4 ? IPV4 : 0) | verdict.ordinal() << VERDICT_SHIFT
                | (protocol == null ? 0 : 1 + protocol.ordinal()) << PROTOCOL_SHIFT;
        this.ports[size] = portFrom == 0 ? 0 : portFrom << 16 | portTo;
        size++;
        modCount++;
    }

    @Override
    public boolean addAll(Collection<? extends Rule> rules) {
        if (!(rules instanceof RuleList other)) {
            return super.addAll(rules);
        }
        if (frozen) {
            throw new UnsupportedOperationException("a frozen rule list");
        }
        int count = other.size;
        if (shape.length - size < count) {
            resize(size + count);
        }
        System.arraycopy(other.high, 0, high, size, count);
        System.arraycopy(other.low, 0, low, size, count);
        System.arraycopy(other.shape, 0, shape, size, count);
        System.arraycopy(other.ports, 0, ports, size, count);
        size += count;
        modCount++;
        return count > 0;
    }

    private void grow() {
        resize(Math.max(16, shape.length + (shape.length >> 1)));
    }

    private void resize(int capacity) {
        high = Arrays.copyOf(high, capacity);
        low = Arrays.copyOf(low, capacity);
        shape = Arrays.copyOf(shape, capacity);
        ports = Arrays.copyOf(ports, capacity);
    }

    @Override
    public Rule get(int index) {
        java.util.Objects.checkIndex(index, size);
        PortRange range = hasPorts(index) ? new PortRange(portFrom(index), portTo(index)) : null;
        return new Rule(verdict(index), IpPrefix.ofBits(isIpv4(index), high[index], low[index], length(index)),
                protocol(index), range);
    }

    @Override
    public int size() {
        return size;
    }

    public boolean isIpv4(int index) {
        return (shape[index] & IPV4) != 0;
    }

    /** The prefix length. */
    public int length(int index) {
        return shape[index] & LENGTH_BITS;
    }

    /** The address's high half, host bits cleared (see {@link AddressBits}). */
    public long high(int index) {
        return high[index];
    }

    /** The address's low half, host bits cleared (see {@link AddressBits}). */
    public long low(int index) {
        return low[index];
    }

    public Verdict verdict(int index) {
        return VERDICTS[shape[index] >>> VERDICT_SHIFT & 3];
    }

    /** Null: any protocol. */
    public Protocol protocol(int index) {
        int protocol = shape[index] >>> PROTOCOL_SHIFT & 3;
        return protocol == 0 ? null : PROTOCOLS[protocol - 1];
    }

    public boolean hasPorts(int index) {
        return ports[index] != 0;
    }

    /** The first port; 0 where the rule has none. */
    public int portFrom(int index) {
        return ports[index] >>> 16;
    }

    /** The last port; 0 where the rule has none. */
    public int portTo(int index) {
        return ports[index] & 0xffff;
    }

    /** As {@link Rule#isUnconditional()}. */
    public boolean isUnconditional(int index) {
        return !hasPorts(index) && protocol(index) == null;
    }

    /** As {@link Rule#specificity()}. */
    public int specificity(int index) {
        return (hasPorts(index) ? 2 : 0) + (protocol(index) != null ? 1 : 0);
    }
}
