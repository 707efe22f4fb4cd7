package io.netfence.agent.policy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 prefix with its host bits cleared. IPv4-mapped IPv6 prefixes
 * (::ffff:a.b.c.d/n, n >= 96) are IPv4 prefixes: netfence judges mapped addresses as IPv4.
 */
public final class IpPrefix {
    private static final Pattern LENGTH = Pattern.compile("[0-9]{1,3}");
    private final byte[] address;
    private final int length;

    /** Takes {@code address}, which no one else holds, and clears its host bits. */
    private IpPrefix(byte[] address, int length) {
        clearHostBits(address, length);
        this.address = address;
        this.length = length;
    }

    public static IpPrefix of(byte[] address, int length) {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length);
        }
        int max = address.length * 8;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range for "
                    + (address.length == 4 ? "IPv4 (0-32)" : "IPv6 (0-128)"));
        }
        if (address.length == 16 && length >= 96 && isV4Mapped(address)) {
            return new IpPrefix(Arrays.copyOfRange(address, 12, 16), length - 96);
        }
        return new IpPrefix(address.clone(), length);
    }

    /**
     * The prefix of {@code length} bits of the address {@link AddressBits} halves say; host bits
     * are cleared. IPv4-mapped addresses stay IPv6 here: the halves come from a prefix already
     * judged.
     */
    public static IpPrefix ofBits(boolean ipv4, long high, long low, int length) {
        if (length < 0 || length > (ipv4 ? 32 : 128)) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range for "
                    + (ipv4 ? "IPv4 (0-32)" : "IPv6 (0-128)"));
        }
        return new IpPrefix(AddressBits.bytes(ipv4, high, low), length);
    }

    /** A single address as a /32 or /128. */
    public static IpPrefix host(InetAddress address) {
        byte[] bytes = address.getAddress();
        return of(bytes, bytes.length * 8);
    }

    /**
     * Parses {@code 198.18.0.0/15}, {@code 198.18.0.2}, {@code fd00::/8} or {@code ::1}. Never
     * resolves names: anything that is not an address literal is refused.
     */
    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        byte[] address = parseAddress(addressText);
        int length = address.length * 8;
        if (slash >= 0) {
            String lengthText = text.substring(slash + 1);
            if (!LENGTH.matcher(lengthText).matches()) {
                throw new IllegalArgumentException("'" + lengthText + "' is not a prefix length");
            }
            length = Integer.parseInt(lengthText);
        }
        return of(address, length);
    }

    private static byte[] parseAddress(String text) {
        byte[] address = text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text, 0, text.length());
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an " + (text.indexOf(':') >= 0 ? "IPv6" : "IPv4")
                    + " address");
        }
        return address;
    }

    /** Dotted quad in text[from, to), or null. Hand-written: this runs once per rule of a large policy. */
    private static byte[] parseIpv4(String text, int from, int to) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = from; i <= to; i++) {
            char c = i < to ? text.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else if (c == '.' && value >= 0 && part < 4) {
                bytes[part++] = (byte) value;
                value = -1;
            } else {
                return null;
            }
        }
        return part == 4 ? bytes : null;
    }

    /** RFC 4291 text (with :: and an optional dotted-quad tail), or null. */
    private static byte[] parseIpv6(String text) {
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        int n = text.length();
        if (text.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (text.startsWith(":")) {
            return null;
        }
        while (i < n) {
            int end = text.indexOf(':', i);
            if (end < 0) {
                end = n;
            }
            String group = text.substring(i, end);
            if (group.indexOf('.') >= 0) {
                byte[] v4 = end == n && count <= 6 ? parseIpv4(group, 0, group.length()) : null;
                if (v4 == null) {
                    return null;
                }
                groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                i = n;
                break;
            }
            if (group.isEmpty() || group.length() > 4 || count == 8) {
                return null;
            }
            int value = 0;
            for (int k = 0; k < group.length(); k++) {
                int digit = Character.digit(group.charAt(k), 16);
                if (digit < 0) {
                    return null;
                }
                value = value * 16 + digit;
            }
            groups[count++] = value;
            i = end + 1;
            if (end + 1 < n && text.charAt(end + 1) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i = end + 2;
            } else if (end + 1 == n && end < n) {
                return null; // trailing single ':'
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] bytes = new byte[16];
        int tail = gap < 0 ? 0 : count - gap;
        for (int g = 0; g < count; g++) {
            int slot = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
            bytes[2 * slot] = (byte) (groups[g] >>> 8);
            bytes[2 * slot + 1] = (byte) groups[g];
        }
        return bytes;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static void clearHostBits(byte[] address, int length) {
        for (int bit = length; bit < address.length * 8; bit++) {
            address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
    }

    public boolean isIpv4() {
        return address.length == 4;
    }

    public int length() {
        return length;
    }

    /** Network byte order, 4 or 16 bytes. */
    public byte[] address() {
        return address.clone();
    }

    /** The first half of the address, as {@link AddressBits} reads it: 0 for IPv4. */
    public long high() {
        return AddressBits.high(address);
    }

    /** The second half of the address, as {@link AddressBits} reads it: an IPv4 address's 32 bits. */
    public long low() {
        return AddressBits.low(address);
    }

    /** The prefix of {@code shorter} bits that contains this one. */
    public IpPrefix truncate(int shorter) {
        return new IpPrefix(address.clone(), shorter);
    }

    public boolean contains(byte[] other) {
        if (other.length != address.length) {
            return false;
        }
        byte[] masked = other.clone();
        clearHostBits(masked, length);
        return Arrays.equals(masked, address);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p && p.length == length && Arrays.equals(p.address, address);
    }

    /** Mixed, not Arrays.hashCode: that collides massively for neighbouring IPv6 addresses. */
    @Override
    public int hashCode() {
        long h = length;
        for (byte b : address) {
            h = (h << 8 | (h >>> 56)) ^ (b & 0xff);
            h *= 0x9E3779B97F4A7C15L;
        }
        return (int) (h ^ (h >>> 32));
    }

    @Override
    public String toString() {
        return addressText() + "/" + length;
    }

    /** Dotted quad, or RFC 5952 IPv6 text (longest run of zero groups as ::). */
    public String addressText() {
        if (isIpv4()) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        return ipv6Text(address);
    }

    static String ipv6Text(byte[] a) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
