package io.netfence.agent.datapath.abi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netfence.agent.datapath.CompiledRuleset;
import io.netfence.agent.datapath.PolicyCompiler;
import io.netfence.agent.datapath.PrefixEntries;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
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
        assertArrayEquals(new byte[] {(byte) 0xfd, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, (byte) 0xab, (byte) 0xcd},
                java.util.Arrays.copyOfRange(RuleKey.encode(1, IpPrefix.parse("fd00:1:2:3:4:5:6:abcd")), RuleKey.OFFSET_ADDR, RuleKey.SIZE));
    }

    /**
     * Entries encoded from the columns as the header says, in batches of two: exact hosts as
     * nf_host_key, the others as nf_rule_key, each checked against its prefix's address bytes.
     */
    @Test
    void entriesEncodeAsHostsAndPrefixesAsTheHeaderSays() {
        List<Rule> rules = new ArrayList<>();
        for (String text : List.of("198.18.0.2", "198.19.0.0/16", "fd00::/8", "fd00:ffff::e:4240", "::/0", "0.0.0.0/0",
                "[fd00:1:2:3:4:5:6:7]:443/tcp", "10.1.2.3/31:53/udp")) {
            rules.addAll(RuleSyntax.parse(Verdict.DENY, text));
        }
        rules.addAll(RuleSyntax.parse(Verdict.ALLOW, "own-loopback"));
        PrefixEntries entries = PolicyCompiler.compile(rules).entries();
        assertEquals(4, entries.hostCount()); // 198.18.0.2, fd00:ffff::e:4240, fd00:1:...:7 and own-loopback's ::1

        ByteBuffer hostKeys = ByteBuffer.allocate(4 * HostKey.SIZE);
        ByteBuffer hostValues = ByteBuffer.allocate(4 * RuleValue.SIZE);
        int next = entries.encodeHosts(42, 0, 2, hostKeys, hostValues);
        entries.encodeHosts(42, next, 2, hostKeys, hostValues);
        ByteBuffer ruleKeys = ByteBuffer.allocate(6 * RuleKey.SIZE);
        ByteBuffer ruleValues = ByteBuffer.allocate(6 * RuleValue.SIZE);
        next = 0;
        for (int batch = 0; batch < 3; batch++) {
            next = entries.encodePrefixes(42, next, 2, ruleKeys, ruleValues);
        }

        ByteBuffer expectedHostKeys = ByteBuffer.allocate(4 * HostKey.SIZE).order(ByteOrder.nativeOrder());
        ByteBuffer expectedRuleKeys = ByteBuffer.allocate(6 * RuleKey.SIZE).order(ByteOrder.nativeOrder());
        ByteBuffer expectedHostValues = ByteBuffer.allocate(4 * RuleValue.SIZE).order(ByteOrder.nativeOrder());
        ByteBuffer expectedRuleValues = ByteBuffer.allocate(6 * RuleValue.SIZE).order(ByteOrder.nativeOrder());
        for (CompiledRuleset.Entry entry : entries) {
            byte[] address = entry.prefix().address();
            boolean host = entry.prefix().length() == address.length * 8;
            if (!host) {
                expectedRuleKeys.putInt(64 + entry.prefix().length());
            }
            (host ? expectedHostKeys : expectedRuleKeys).putInt(42).putInt(address.length == 4 ? 4 : 6)
                    .put(address).put(new byte[16 - address.length]);
            (host ? expectedHostValues : expectedRuleValues).put((byte) Verdicts.abi(entry.fallback())).put(new byte[3])
                    .putInt(entry.portList());
        }
        assertArrayEquals(expectedHostKeys.array(), hostKeys.array());
        assertArrayEquals(expectedHostValues.array(), hostValues.array());
        assertArrayEquals(expectedRuleKeys.array(), ruleKeys.array());
        assertArrayEquals(expectedRuleValues.array(), ruleValues.array());
        assertEquals(List.of(Abi.RULE_ALLOW_OWN, Abi.RULE_ALLOW_OWN),
                entries.stream().filter(e -> e.fallback() == Verdict.ALLOW_OWN).map(e -> Verdicts.abi(e.fallback())).toList());
        assertThrows(IllegalArgumentException.class,
                () -> entries.encodeHosts(42, 0, 5, ByteBuffer.allocate(1024), ByteBuffer.allocate(1024)));
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
