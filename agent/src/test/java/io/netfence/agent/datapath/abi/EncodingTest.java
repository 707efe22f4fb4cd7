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

    /** Entries encoded from the columns as the header says, each checked against its prefix's address bytes. */
    @Test
    void compiledEntriesEncodeAsTheirPrefixesSay() {
        List<Rule> rules = new ArrayList<>();
        for (String text : List.of("198.18.0.2", "198.19.0.0/16", "fd00::/8", "fd00:ffff::e:4240", "::/0", "0.0.0.0/0",
                "[fd00:1:2:3:4:5:6:7]:443/tcp", "10.1.2.3/31:53/udp")) {
            rules.addAll(RuleSyntax.parse(Verdict.DENY, text));
        }
        rules.addAll(RuleSyntax.parse(Verdict.ALLOW, "own-loopback"));
        CompiledRuleset ruleset = PolicyCompiler.compile(rules);
        PrefixEntries entries = ruleset.entries();
        ByteBuffer keys = ByteBuffer.allocate(entries.size() * RuleKey.SIZE);
        ByteBuffer values = ByteBuffer.allocate(entries.size() * RuleValue.SIZE);
        entries.encode(42, 0, entries.size(), keys, values);

        ByteBuffer expectedKeys = ByteBuffer.allocate(entries.size() * RuleKey.SIZE).order(ByteOrder.nativeOrder());
        ByteBuffer expectedValues = ByteBuffer.allocate(entries.size() * RuleValue.SIZE).order(ByteOrder.nativeOrder());
        for (CompiledRuleset.Entry entry : entries) {
            byte[] address = entry.prefix().address();
            expectedKeys.putInt(64 + entry.prefix().length()).putInt(42).putInt(address.length == 4 ? 4 : 6)
                    .put(address).put(new byte[16 - address.length]);
            expectedValues.put((byte) Verdicts.abi(entry.fallback())).put(new byte[3]).putInt(entry.portList());
        }
        assertArrayEquals(expectedKeys.array(), keys.array());
        assertArrayEquals(expectedValues.array(), values.array());
        assertEquals(List.of(Abi.RULE_ALLOW_OWN, Abi.RULE_ALLOW_OWN),
                entries.stream().filter(e -> e.fallback() == Verdict.ALLOW_OWN).map(e -> Verdicts.abi(e.fallback())).toList());
    }

    /** Exact hosts apart, for nf_hosts, with their keys as the header says; the rest for nf_rules. */
    @Test
    void hostsAreSplitOffAndEncodeAsHostKeys() {
        List<Rule> rules = new ArrayList<>();
        for (String text : List.of("198.18.0.2", "198.19.0.0/16", "fd00:ffff::e:4240", "fd00::/8", "[fd00:1:2:3:4:5:6:7]:443/tcp")) {
            rules.addAll(RuleSyntax.parse(Verdict.DENY, text));
        }
        PrefixEntries entries = PolicyCompiler.compile(rules).entries();
        PrefixEntries hosts = entries.hosts();
        assertEquals(List.of("198.18.0.2/32", "fd00:ffff::e:4240/128", "fd00:1:2:3:4:5:6:7/128"),
                hosts.stream().map(e -> e.prefix().toString()).toList());
        assertEquals(List.of("198.19.0.0/16", "fd00::/8"), entries.withoutHosts().stream().map(e -> e.prefix().toString()).toList());
        assertEquals(1, hosts.portList(2));

        ByteBuffer keys = ByteBuffer.allocate(hosts.size() * HostKey.SIZE);
        ByteBuffer values = ByteBuffer.allocate(hosts.size() * RuleValue.SIZE);
        hosts.encodeHosts(9, 0, hosts.size(), keys, values);
        ByteBuffer expected = ByteBuffer.allocate(hosts.size() * HostKey.SIZE).order(ByteOrder.nativeOrder());
        for (CompiledRuleset.Entry host : hosts) {
            byte[] address = host.prefix().address();
            expected.putInt(9).putInt(address.length == 4 ? 4 : 6).put(address).put(new byte[16 - address.length]);
        }
        assertArrayEquals(expected.array(), keys.array());
        assertEquals(hosts.size() * RuleValue.SIZE, values.position());
        assertThrows(IllegalArgumentException.class,
                () -> entries.encodeHosts(9, 0, entries.size(), ByteBuffer.allocate(1024), ByteBuffer.allocate(1024)));
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
