package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Mirror of {@code struct nf_learned_value}.
 *
 * @param expiresNanos CLOCK_MONOTONIC, as {@link System#nanoTime()} reads it on Linux
 * @param verdict      {@link Abi#ALLOW}, {@link Abi#DENY} or {@link Abi#LEARNED_NO_VERDICT}
 */
public record LearnedValue(long expiresNanos, int portList, int verdict) {
    public static final int SIZE = 16;
    public static final int OFFSET_EXPIRES_NS = 0;
    public static final int OFFSET_PORTLIST = 8;
    public static final int OFFSET_VERDICT = 12;

    /** @param fallback null: no verdict of its own, the address rules decide */
    public static LearnedValue of(long expiresNanos, int portList, io.netfence.agent.policy.Verdict fallback) {
        return new LearnedValue(expiresNanos, portList, fallback == null ? Abi.LEARNED_NO_VERDICT : Verdicts.abi(fallback));
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                .putLong(expiresNanos).putInt(portList).put((byte) verdict).put(new byte[3]).array();
    }

    public static LearnedValue decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        return new LearnedValue(b.getLong(), b.getInt(), Byte.toUnsignedInt(b.get()));
    }
}
