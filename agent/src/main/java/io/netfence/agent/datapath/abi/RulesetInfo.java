package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Mirror of {@code struct nf_ruleset_info}, the value of nf_rulesets (key: ruleset id). */
public record RulesetInfo(long cgroupId, int entries, int portLists) {
    public static final int SIZE = 16;
    public static final int OFFSET_CGROUP_ID = 0;
    public static final int OFFSET_ENTRIES = 8;
    public static final int OFFSET_PORTLISTS = 12;

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                .putLong(cgroupId).putInt(entries).putInt(portLists).array();
    }

    public static RulesetInfo decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        return new RulesetInfo(b.getLong(), b.getInt(), b.getInt());
    }

    public static byte[] key(int ruleset) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(ruleset).array();
    }

    public static int decodeKey(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt();
    }
}
