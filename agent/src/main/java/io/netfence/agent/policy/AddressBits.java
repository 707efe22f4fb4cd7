package io.netfence.agent.policy;

/**
 * An address as two 64-bit halves, the form large rule lists are held and compiled in without an
 * object per rule: {@code high} is bytes 0-7 and {@code low} bytes 8-15 of an IPv6 address, each
 * read big-endian (network order); an IPv4 address is {@code high} 0 and {@code low} its 32 bits,
 * unsigned.
 */
public final class AddressBits {
    private AddressBits() {}

    /** {@code high} with the bits past {@code length} cleared. */
    public static long maskHigh(boolean ipv4, long high, int length) {
        return ipv4 ? 0 : high & ones(Math.min(length, 64));
    }

    /** {@code low} with the bits past {@code length} cleared. */
    public static long maskLow(boolean ipv4, long low, int length) {
        return ipv4 ? low & (ones(length) >>> 32) : low & ones(Math.max(length - 64, 0));
    }

    /** The top {@code n} bits of a long set, 0 <= n <= 64. */
    private static long ones(int n) {
        return n == 0 ? 0 : -1L << (64 - n);
    }

    /** The high half of a 16-byte address, or 0 for a 4-byte one. */
    static long high(byte[] address) {
        return address.length == 4 ? 0 : readLong(address, 0);
    }

    /** The low half of a 16-byte address, or the 4-byte address unsigned. */
    static long low(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xffL) << 24 | (address[1] & 0xff) << 16 | (address[2] & 0xff) << 8 | (address[3] & 0xff);
        }
        return readLong(address, 8);
    }

    /** The address bytes of the halves: 4 for IPv4, else 16. */
    static byte[] bytes(boolean ipv4, long high, long low) {
        if (ipv4) {
            return new byte[] {(byte) (low >>> 24), (byte) (low >>> 16), (byte) (low >>> 8), (byte) low};
        }
        byte[] address = new byte[16];
        for (int i = 0; i < 8; i++) {
            address[i] = (byte) (high >>> (56 - 8 * i));
            address[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return address;
    }

    private static long readLong(byte[] bytes, int from) {
        long value = 0;
        for (int i = from; i < from + 8; i++) {
            value = value << 8 | (bytes[i] & 0xff);
        }
        return value;
    }
}
