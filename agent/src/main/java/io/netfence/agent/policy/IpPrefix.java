package io.netfence.agent.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 prefix with its host bits cleared. IPv4-mapped IPv6 prefixes
 * (::ffff:a.b.c.d/n, n >= 96) are IPv4 prefixes: netfence judges mapped addresses as IPv4.
 */
public final class IpPrefix {
    private final byte[] address;
    private final int length;

    private IpPrefix(byte[] address, int length) {
        this.address = mask(address, length);
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
            if (!lengthText.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("'" + lengthText + "' is not a prefix length");
            }
            length = Integer.parseInt(lengthText);
        }
        return of(address, length);
    }

    private static byte[] parseAddress(String text) {
        if (text.matches("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+")) {
            String[] parts = text.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].length() > 3 || Integer.parseInt(parts[i]) > 255) {
                    throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
                }
                bytes[i] = (byte) Integer.parseInt(parts[i]);
            }
            return bytes;
        }
        if (text.contains(":") && text.matches("[0-9A-Fa-f:.]+")) {
            try {
                // a literal with ':' is parsed, never looked up
                InetAddress parsed = InetAddress.getByName(text);
                byte[] bytes = parsed.getAddress();
                if (parsed instanceof Inet4Address) { // Java turns ::ffff:a.b.c.d into IPv4
                    byte[] mapped = new byte[16];
                    mapped[10] = (byte) 0xff;
                    mapped[11] = (byte) 0xff;
                    System.arraycopy(bytes, 0, mapped, 12, 4);
                    return mapped;
                }
                return bytes;
            } catch (UnknownHostException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an IP address, prefix or keyword");
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] address, int length) {
        byte[] masked = address.clone();
        for (int bit = length; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
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

    /** The prefix of {@code shorter} bits that contains this one. */
    public IpPrefix truncate(int shorter) {
        return new IpPrefix(address, shorter);
    }

    public boolean contains(byte[] other) {
        if (other.length != address.length) {
            return false;
        }
        return Arrays.equals(mask(other, length), address);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p && p.length == length && Arrays.equals(p.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + length;
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
