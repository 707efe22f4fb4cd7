package io.netfence.agent.datapath.abi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.agent.policy.IpPrefix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodingTest {

    @Test
    void ruleKeyOfAnIpv4PrefixMatchesTheHeaderExample() {
        byte[] key = RuleKey.encode(7, IpPrefix.parse("198.18.0.0/15"));
        ByteBuffer b = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());

        assertEquals(64 + 15, b.getInt(RuleKey.OFFSET_PREFIXLEN));
        assertEquals(7, b.getInt(RuleKey.OFFSET_RULESET));
        assertEquals(Abi.FAMILY_IPV4, b.getInt(RuleKey.OFFSET_FAMILY));
        assertArrayEquals(new byte[] {(byte) 198, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                java.util.Arrays.copyOfRange(key, RuleKey.OFFSET_ADDR, RuleKey.SIZE));
        assertEquals(7, RuleKey.ruleset(key));
    }

    @Test
    void ruleKeyOfAnIpv6Prefix() {
        byte[] key = RuleKey.encode(1, IpPrefix.parse("fd00::/8"));
        ByteBuffer b = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());

        assertEquals(64 + 8, b.getInt(RuleKey.OFFSET_PREFIXLEN));
        assertEquals(Abi.FAMILY_IPV6, b.getInt(RuleKey.OFFSET_FAMILY));
        assertEquals((byte) 0xfd, key[RuleKey.OFFSET_ADDR]);
    }

    @Test
    void statsAreSummedOverCpusAndRecentFlowsDeduplicated() {
        int slot = (CgroupStats.SIZE + 7) & ~7;
        ByteBuffer perCpu = ByteBuffer.allocate(slot * 2).order(ByteOrder.nativeOrder());
        for (int cpu = 0; cpu < 2; cpu++) {
            int base = cpu * slot;
            perCpu.putLong(base + CgroupStats.OFFSET_DENIED_PACKETS, 3);
            perCpu.putLong(base + CgroupStats.OFFSET_DENIED_CALLS, 1);
            perCpu.putLong(base + CgroupStats.OFFSET_DENIALS, 1);
            perCpu.position(base + CgroupStats.OFFSET_RECENT);
            perCpu.put(new byte[] {(byte) 198, 18, 0, 2}).put(new byte[12]).putShort((short) 443)
                    .put((byte) Abi.FAMILY_IPV4).put((byte) 6).put((byte) Abi.HOOK_CONNECT).put(new byte[3]);
        }

        CgroupStats stats = CgroupStats.sumPerCpu(perCpu.array());

        assertEquals(6, stats.deniedPackets()[0]);
        assertEquals(2, stats.deniedCalls()[0]);
        assertEquals(2, stats.denials());
        assertEquals(List.of("198.18.0.2:443/tcp"), stats.recent().stream().map(Flow::describe).toList());
    }
}
