package io.netfence.agent.policy;

/**
 * The address rules of {@link RuleSyntax} read straight from ASCII bytes into a {@link RuleList}:
 * {@code PREFIX[:PORT[-PORT]][/PROTO]} and {@code [IPV6-PREFIX]:PORT...}, where PREFIX is an
 * address literal with an optional length. This is how a large rules file is read: no string,
 * no regex and no object per rule.
 *
 * <p>It takes a subset of the syntax and leaves the rest to {@link RuleSyntax}: keywords, names,
 * a bracketed IPv6 address without a port, and every rule that is wrong, so that refusals keep
 * their one wording. Where {@link #add} takes a rule, it adds exactly what
 * {@link RuleSyntax#parse} makes of the same text (RuleScannerTest checks this on random texts).
 * One instance per reading thread: it keeps the address it is reading in fields.
 */
public final class RuleScanner {
    /** The value of each ASCII hex digit, -1 for other characters. */
    private static final byte[] HEX = new byte[128];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = 0; c < 16; c++) {
            HEX[Character.forDigit(c, 16)] = (byte) c;
            HEX[Character.toUpperCase(Character.forDigit(c, 16))] = (byte) c;
        }
    }

    private final int[] groups = new int[8];
    private boolean ipv4;
    private long high;
    private long low;

    /**
     * Adds the one rule {@code text[from, to)} says, if it is of the forms read here and valid.
     *
     * @return false, having added nothing, for anything else: parse that with {@link RuleSyntax}
     */
    public boolean add(Verdict verdict, byte[] text, int from, int to, RuleList into) {
        int lastSlash = -1;
        int firstColon = -1;
        boolean colons = false;
        for (int i = from; i < to; i++) {
            byte c = text[i];
            if (c == '/') {
                lastSlash = i;
            } else if (c == ':') {
                colons = firstColon >= 0;
                firstColon = firstColon < 0 ? i : firstColon;
            }
        }
        int end = to;
        Protocol protocol = null;
        if (lastSlash >= 0 && lastSlash + 1 < to && isLetter(text[lastSlash + 1])) {
            protocol = protocol(text, lastSlash + 1, to);
            if (protocol == null) {
                return false;
            }
            end = lastSlash; // no ':' after it: a protocol is letters
        }
        int prefixFrom = from;
        int prefixTo = end;
        int portsFrom = -1;
        if (from < end && text[from] == '[') {
            int close = indexOf(text, from, end, ']');
            if (close < 0 || close + 1 == end || text[close + 1] != ':') {
                return false; // with a bracket, only [PREFIX]:PORTS is read here
            }
            prefixFrom = from + 1;
            prefixTo = close;
            portsFrom = close + 2;
        } else if (firstColon >= 0 && !colons) {
            prefixTo = firstColon;
            portsFrom = firstColon + 1;
        }
        long ports = portsFrom < 0 ? 0 : ports(text, portsFrom, end);
        if (ports < 0 || (ports != 0 && protocol == Protocol.ICMP)) {
            return false;
        }
        int length = prefix(text, prefixFrom, prefixTo);
        if (length < 0) {
            return false;
        }
        into.add(verdict, ipv4, high, low, length, protocol, (int) (ports >>> 16), (int) ports & 0xffff);
        return true;
    }

    /**
     * Reads ADDRESS[/LENGTH] into the fields, IPv4-mapped IPv6 as IPv4 (as {@link IpPrefix#of});
     * returns the length, or -1.
     */
    private int prefix(byte[] text, int from, int to) {
        int slash = indexOf(text, from, to, '/');
        int addressTo = slash < 0 ? to : slash;
        boolean read = indexOf(text, from, addressTo, ':') >= 0 ? ipv6(text, from, addressTo) : ipv4(text, from, addressTo);
        if (!read) {
            return -1;
        }
        int max = ipv4 ? 32 : 128;
        int length = max;
        if (slash >= 0) {
            int digits = to - slash - 1;
            length = digits >= 1 && digits <= 3 ? decimal(text, slash + 1, to) : -1;
            if (length < 0 || length > max) {
                return -1;
            }
        }
        if (!ipv4 && length >= 96 && high == 0 && low >>> 32 == 0xffff) {
            ipv4 = true;
            low &= 0xffffffffL;
            length -= 96;
        }
        return length;
    }

    /** A dotted quad, each part 0-255 in decimal, as IpPrefix reads it. */
    private boolean ipv4(byte[] text, int from, int to) {
        long address = 0;
        int parts = 0;
        int value = -1;
        for (int i = from; i <= to; i++) {
            int c = i < to ? text[i] : '.';
            if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return false;
                }
            } else if (c == '.' && value >= 0 && parts < 4) {
                address = address << 8 | value;
                parts++;
                value = -1;
            } else {
                return false;
            }
        }
        ipv4 = true;
        high = 0;
        low = address;
        return parts == 4;
    }

    /**
     * RFC 4291 text: groups of 1-4 hex digits, '::' once, an optional dotted quad for the last 32
     * bits; in one pass, accepting exactly what IpPrefix accepts.
     */
    private boolean ipv6(byte[] text, int from, int to) {
        int count = 0;
        int gap = -1;
        int value = 0;
        int digits = 0;
        int i = from;
        if (to - from >= 2 && text[from] == ':' && text[from + 1] == ':') {
            gap = 0;
            i = from + 2;
        } else if (to > from && text[from] == ':') {
            return false;
        }
        while (i < to) {
            byte c = text[i];
            int digit = c >= 0 ? HEX[c] : -1;
            if (digit >= 0) {
                if (++digits > 4) {
                    return false;
                }
                value = value << 4 | digit;
                i++;
            } else if (c == ':' && digits > 0 && count < 8) {
                groups[count++] = value;
                value = 0;
                digits = 0;
                if (i + 1 < to && text[i + 1] == ':') {
                    if (gap >= 0) {
                        return false;
                    }
                    gap = count;
                    i += 2;
                } else if (++i == to) {
                    return false; // a trailing single ':'
                }
            } else if (c == '.' && count <= 6 && indexOf(text, i, to, ':') < 0 && ipv4(text, i - digits, to)) {
                groups[count++] = (int) (low >>> 16);
                groups[count++] = (int) low & 0xffff;
                digits = 0;
                i = to;
            } else {
                return false;
            }
        }
        if (digits > 0) {
            if (count == 8) {
                return false;
            }
            groups[count++] = value;
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return false;
        }
        int tail = gap < 0 ? 0 : count - gap;
        ipv4 = false;
        high = 0;
        low = 0;
        for (int g = 0; g < count; g++) {
            int slot = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
            if (slot < 4) {
                high |= (long) groups[g] << (48 - 16 * slot);
            } else {
                low |= (long) groups[g] << (48 - 16 * (slot - 4));
            }
        }
        return true;
    }

    /** PORT or PORT-PORT (1-6 digits each, 1-65535, not reversed) as first << 16 | last; -1 otherwise. */
    private static long ports(byte[] text, int from, int to) {
        int dash = indexOf(text, from, to, '-');
        int firstTo = dash < 0 ? to : dash;
        int first = digits(text, from, firstTo);
        int last = dash < 0 ? first : digits(text, dash + 1, to);
        if (first < 1 || last < 1 || first > PortRange.MAX || last > PortRange.MAX || first > last) {
            return -1;
        }
        return (long) first << 16 | last;
    }

    /** 1 to 6 decimal digits, or -1. */
    private static int digits(byte[] text, int from, int to) {
        return to - from >= 1 && to - from <= 6 ? decimal(text, from, to) : -1;
    }

    private static int decimal(byte[] text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            if (text[i] < '0' || text[i] > '9') {
                return -1;
            }
            value = value * 10 + (text[i] - '0');
        }
        return value;
    }

    private static Protocol protocol(byte[] text, int from, int to) {
        for (Protocol protocol : Protocol.values()) {
            String keyword = protocol.keyword();
            if (to - from == keyword.length() && regionMatches(text, from, keyword)) {
                return protocol;
            }
        }
        return null;
    }

    private static boolean regionMatches(byte[] text, int from, String word) {
        for (int i = 0; i < word.length(); i++) {
            if (text[from + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(byte c) {
        int lower = c | 0x20;
        return lower >= 'a' && lower <= 'z';
    }

    private static int indexOf(byte[] text, int from, int to, char c) {
        for (int i = from; i < to; i++) {
            if (text[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
