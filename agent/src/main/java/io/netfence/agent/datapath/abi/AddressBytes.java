package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The 16-byte address field of the map keys: network order, an IPv4 address in the first four bytes, zeros after. */
final class AddressBytes {
    private static final boolean NATIVE_IS_BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    private AddressBytes() {}

    /** Puts the address given as halves (see {@link io.netfence.agent.policy.AddressBits}) into a native-order buffer. */
    static void put(ByteBuffer nativeOrder, boolean ipv4, long high, long low) {
        if (ipv4) {
            nativeOrder.putInt(networkOrder((int) low)).putInt(0).putLong(0);
        } else {
            nativeOrder.putLong(networkOrder(high)).putLong(networkOrder(low));
        }
    }

    /** The value that, put in native order, lays out {@code value}'s bytes big-endian. */
    private static long networkOrder(long value) {
        return NATIVE_IS_BIG_ENDIAN ? value : Long.reverseBytes(value);
    }

    private static int networkOrder(int value) {
        return NATIVE_IS_BIG_ENDIAN ? value : Integer.reverseBytes(value);
    }
}
