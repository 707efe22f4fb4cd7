package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Mirror of {@code struct nf_ruleset_info}, the value of nf_rulesets (key: ruleset id).
 * {@code owner} is a cgroup id, or {@link #AGENT_OWNER} | the agent's pid.
 */
public record RulesetInfo(long owner, int entries, int portLists) {
    public static final long AGENT_OWNER = 1L << 63;
    public static final int SIZE = 16;
    public static final int OFFSET_OWNER = 0;
    public static final int OFFSET_ENTRIES = 8;
    public static final int OFFSET_PORTLISTS = 12;

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder())
                .putLong(owner).putInt(entries).putInt(portLists).array();
    }

    public static RulesetInfo decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        return new RulesetInfo(b.getLong(), b.getInt(), b.getInt());
    }

    public boolean ownedByAgent() {
        return (owner & AGENT_OWNER) != 0;
    }

    public static byte[] key(int ruleset) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(ruleset).array();
    }

    public static int decodeKey(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt();
    }
}
