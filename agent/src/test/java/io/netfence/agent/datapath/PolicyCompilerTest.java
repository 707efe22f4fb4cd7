package io.netfence.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.datapath.CompiledRuleset.Entry;
import io.netfence.agent.datapath.CompiledRuleset.PortRule;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.policy.Decision;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.PortRange;
import io.netfence.agent.policy.Protocol;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The compiler against the policy semantics as written in the issue, read directly off the rules
 * ({@link Decision}); the compiled form is evaluated the way the BPF programs do (one LPM lookup, then the
 * port list in order, then the fallback).
 */
class PolicyCompilerTest {

    record Packet(byte[] address, Protocol protocol, int port, boolean own) {
        Packet(byte[] address, Protocol protocol, int port) {
            this(address, protocol, port, false);
        }
    }

    /** The spec, as {@link Decision} reads it off the rules. */
    static Verdict bySpec(List<Rule> rules, Packet p) {
        return Decision.of(rules, new Decision.Traffic(p.address(), p.protocol(), p.port(), p.own()));
    }

    /** What nf_decide() does with the compiled ruleset. */
    static Verdict byKernelModel(CompiledRuleset compiled, Packet p) {
        Entry best = null;
        for (Entry e : compiled.entries()) {
            if (e.prefix().contains(p.address()) && (best == null || e.prefix().length() > best.prefix().length())) {
                best = e;
            }
        }
        if (best == null) {
            return Verdict.ALLOW;
        }
        if (best.portList() != 0) {
            int bit = PolicyCompiler.protocolBit(p.protocol());
            int port = p.protocol() == Protocol.TCP || p.protocol() == Protocol.UDP ? p.port() : 0;
            for (PortRule rule : compiled.portLists().get(best.portList() - 1).rules()) {
                if ((rule.protocolBits() & bit) != 0 && port >= rule.portFrom() && port <= rule.portTo()) {
                    return rule.verdict();
                }
            }
        }
        if (best.fallback() == Verdict.ALLOW_OWN) {
            return p.own() ? Verdict.ALLOW : Verdict.DENY;
        }
        return best.fallback();
    }

    private static List<Rule> rules(String... lines) {
        List<Rule> rules = new ArrayList<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            rules.addAll(RuleSyntax.parse(Verdict.valueOf(parts[0].toUpperCase()), parts[1]));
        }
        return rules;
    }

    private static Packet packet(String address, Protocol protocol, int port) {
        return new Packet(IpPrefix.parse(address).address(), protocol, port);
    }

    private static void assertDecides(Verdict expected, List<Rule> rules, Packet p) {
        assertEquals(expected, bySpec(rules, p), "spec");
        assertEquals(expected, byKernelModel(PolicyCompiler.compile(rules), p), "compiled");
    }

    @Test
    void examplesFromTheSemantics() {
        List<Rule> r = rules("deny 198.18.0.0/15", "allow 198.18.0.2:443/tcp", "allow 198.18.0.3");
        assertDecides(Verdict.ALLOW, r, packet("198.18.0.2", Protocol.TCP, 443));
        assertDecides(Verdict.DENY, r, packet("198.18.0.2", Protocol.TCP, 80));
        assertDecides(Verdict.DENY, r, packet("198.18.0.2", Protocol.UDP, 443));
        assertDecides(Verdict.ALLOW, r, packet("198.18.0.3", Protocol.UDP, 53));
        assertDecides(Verdict.ALLOW, r, packet("198.20.0.1", Protocol.TCP, 80));
        assertDecides(Verdict.ALLOW, r, packet("fd00::1", Protocol.TCP, 80));
    }

    @Test
    void aPortRuleOnAShortPrefixLosesToALongerBarePrefix() {
        List<Rule> r = rules("deny 198.18.0.0/15:443", "allow 198.18.0.2");
        assertDecides(Verdict.ALLOW, r, packet("198.18.0.2", Protocol.TCP, 443));
        assertDecides(Verdict.DENY, r, packet("198.18.0.9", Protocol.TCP, 443));
    }

    @Test
    void portBeatsProtocolAndProtocolBeatsBareAtEqualPrefix() {
        List<Rule> r = rules("allow 198.18.0.2", "deny 198.18.0.2/tcp", "allow 198.18.0.2:22/tcp");
        assertDecides(Verdict.ALLOW, r, packet("198.18.0.2", Protocol.TCP, 22));
        assertDecides(Verdict.DENY, r, packet("198.18.0.2", Protocol.TCP, 23));
        assertDecides(Verdict.ALLOW, r, packet("198.18.0.2", Protocol.UDP, 23));
        assertDecides(Verdict.ALLOW, r, packet("198.18.0.2", Protocol.ICMP, 0));
    }

    @Test
    void denyWinsAFullTie() {
        assertDecides(Verdict.DENY, rules("allow 198.18.0.2", "deny 198.18.0.2"), packet("198.18.0.2", Protocol.TCP, 1));
        assertDecides(Verdict.DENY, rules("allow 198.18.0.2:80", "deny 198.18.0.2:1-100"), packet("198.18.0.2", Protocol.TCP, 80));
    }

    @Test
    void portRulesNeverMatchIcmp() {
        List<Rule> r = rules("deny any", "allow any:1-65535");
        assertDecides(Verdict.ALLOW, r, packet("198.18.0.2", Protocol.UDP, 9));
        assertDecides(Verdict.DENY, r, packet("198.18.0.2", Protocol.ICMP, 0));
        assertDecides(Verdict.DENY, r, packet("198.18.0.2", null, 0));
    }

    @Test
    void ownLoopbackAllowsOnlyTheConfinementsOwnSocketsAndLosesToAPlainAllowAtATie() {
        List<Rule> r = rules("deny any", "allow own-loopback");
        assertDecides(Verdict.ALLOW, r, new Packet(IpPrefix.parse("127.0.0.1").address(), Protocol.TCP, 5432, true));
        assertDecides(Verdict.DENY, r, new Packet(IpPrefix.parse("127.0.0.1").address(), Protocol.TCP, 5432, false));
        List<Rule> both = rules("deny any", "allow own-loopback", "allow localhost");
        assertDecides(Verdict.ALLOW, both, new Packet(IpPrefix.parse("127.0.0.1").address(), Protocol.TCP, 5432, false));
        List<Rule> denied = rules("allow own-loopback", "deny 127.0.0.0/8");
        assertDecides(Verdict.DENY, denied, new Packet(IpPrefix.parse("127.0.0.1").address(), Protocol.TCP, 5432, true));
    }

    @Test
    void plainPrefixesCompileToOneEntryEachWithoutLists() {
        CompiledRuleset c = PolicyCompiler.compile(rules("deny 198.18.0.0/15", "allow 198.18.0.2", "deny fd00::/8"));
        assertEquals(3, c.entries().size());
        assertTrue(c.portLists().isEmpty());
        assertTrue(c.entries().stream().allMatch(e -> e.portList() == 0));
    }

    @Test
    void identicalPortListsAreShared() {
        CompiledRuleset c = PolicyCompiler.compile(rules("allow any:443/tcp", "deny 198.18.0.2", "deny 198.18.0.3"));
        assertEquals(1, c.portLists().size(), c.toString());
    }

    @Test
    void tooManyPortRulesOnOnePrefixAreRefusedWithThePrefix() {
        List<String> lines = new ArrayList<>();
        for (int port = 1; port <= Abi.PORTLIST_MAX + 1; port++) {
            lines.add("allow 198.18.0.0/15:" + port + "/tcp");
        }
        PolicyTooLargeException e = assertThrows(PolicyTooLargeException.class,
                () -> PolicyCompiler.compile(rules(lines.toArray(String[]::new))));
        assertTrue(e.getMessage().startsWith("198.18.0.0/15 is covered by 33 port/protocol rules"), e.getMessage());
    }

    @Test
    void entriesFollowTheOrderPrefixesFirstAppearIn() {
        CompiledRuleset c = PolicyCompiler.compile(rules("deny fd00::/8", "allow 198.18.0.2", "deny 198.18.0.0/15:443",
                "deny [fd00::/8]:22/tcp", "deny 198.18.0.0/15"));
        assertEquals(List.of("fd00::/8", "198.18.0.2/32", "198.18.0.0/15"), c.entries().stream().map(e -> e.prefix().toString()).toList());
    }

    /**
     * Thousands of rules over two small address spaces, prefixes of every length in them, the
     * longer ones often with ports or a protocol: many prefixes share lengths and cover one
     * another, as in a large list, and the compiled form must still decide as the spec.
     */
    @Test
    void largeRandomPoliciesDecideAsTheSpecSays() {
        Random random = new Random(20261130);
        Protocol[] protocols = {Protocol.TCP, Protocol.UDP, Protocol.ICMP, null};
        int[] ports = {22, 53, 80, 443};
        int compiled = 0;
        for (int round = 0; round < 6; round++) {
            List<Rule> rules = new ArrayList<>(RuleSyntax.parse(Verdict.DENY, "any"));
            for (int i = 0; i < 3000; i++) {
                byte[] address = largeSpaceAddress(random);
                int max = address.length * 8;
                int length = max - random.nextInt(random.nextInt(10) == 0 ? 17 : 5); // a few short prefixes, far apart
                Protocol protocol = null;
                PortRange range = null;
                if (length >= max - 4 && random.nextInt(3) == 0) {
                    protocol = protocols[random.nextInt(protocols.length)];
                    if (protocol != Protocol.ICMP && random.nextBoolean()) {
                        int from = ports[random.nextInt(ports.length)];
                        range = new PortRange(from, from + random.nextInt(3));
                    }
                    if (protocol == null && range == null) {
                        protocol = Protocol.UDP;
                    }
                }
                rules.add(new Rule(random.nextBoolean() ? Verdict.ALLOW : Verdict.DENY, IpPrefix.of(address, length), protocol, range));
            }
            CompiledRuleset ruleset;
            try {
                ruleset = PolicyCompiler.compile(rules);
            } catch (PolicyTooLargeException e) {
                continue;
            }
            compiled++;
            for (int probe = 0; probe < 3000; probe++) {
                byte[] address = largeSpaceAddress(random);
                if (probe % 2 == 0) { // within a conditional rule's prefix, where chains and fallbacks decide
                    Rule rule = rules.get(random.nextInt(rules.size()));
                    while (rule.isUnconditional()) {
                        rule = rules.get(random.nextInt(rules.size()));
                    }
                    byte[] base = rule.prefix().address();
                    for (int i = 0; i < address.length && address.length == base.length; i++) {
                        address[i] = (byte) (base[i] | (address[i] & ~prefixMask(rule.prefix().length(), i)));
                    }
                }
                Packet p = new Packet(address, protocols[random.nextInt(protocols.length)],
                        ports[random.nextInt(ports.length)] + random.nextInt(3));
                assertEquals(bySpec(rules, p), byKernelModel(ruleset, p), () -> "packet "
                        + IpPrefix.of(p.address(), p.address().length * 8) + " " + p.protocol() + " " + p.port());
            }
        }
        assertTrue(compiled >= 4, compiled + " of 6 policies compiled");
    }

    /** The bits of byte {@code i} of an address that a prefix of {@code length} bits fixes. */
    private static int prefixMask(int length, int i) {
        int bits = Math.max(0, Math.min(8, length - 8 * i));
        return (0xff00 >> bits) & 0xff;
    }

    /** An address in 198.18.0.0/16 or fd00::/112 (one time in three), so that prefixes of /16 and longer overlap. */
    private static byte[] largeSpaceAddress(Random random) {
        boolean v6 = random.nextInt(3) == 0;
        byte[] address = v6 ? IpPrefix.parse("fd00::").address() : IpPrefix.parse("198.18.0.0").address();
        address[address.length - 2] = (byte) random.nextInt(256);
        address[address.length - 1] = (byte) random.nextInt(256);
        return address;
    }

    /** One of 8 neighbouring addresses, IPv4 or (one time in four) IPv6, so rules overlap often. */
    private static byte[] randomAddress(Random random) {
        boolean v6 = random.nextInt(4) == 0;
        byte[] address = v6 ? IpPrefix.parse("fd00::").address() : IpPrefix.parse("198.18.0.0").address();
        address[address.length - 1] = (byte) random.nextInt(8);
        return address;
    }

    @Test
    void randomPoliciesDecideAsTheSpecSays() {
        Random random = new Random(20261123);
        Protocol[] protocols = {Protocol.TCP, Protocol.UDP, Protocol.ICMP, null};
        int[] ports = {22, 53, 80, 443, 8080};
        for (int round = 0; round < 400; round++) {
            List<Rule> rules = new ArrayList<>();
            int count = 1 + random.nextInt(12);
            for (int i = 0; i < count; i++) {
                byte[] address = randomAddress(random);
                int max = address.length * 8;
                int length = max - random.nextInt(5);
                if (random.nextInt(10) == 0) {
                    length = 0;
                }
                Protocol protocol = protocols[random.nextInt(protocols.length)];
                PortRange range = null;
                if (protocol != Protocol.ICMP && random.nextBoolean()) {
                    int from = ports[random.nextInt(ports.length)];
                    range = new PortRange(from, random.nextBoolean() ? from : Math.min(65535, from + random.nextInt(500)));
                }
                Verdict verdict = random.nextBoolean() ? Verdict.ALLOW : Verdict.DENY;
                rules.add(new Rule(verdict, IpPrefix.of(address, length), protocol, range));
            }
            CompiledRuleset compiled;
            try {
                compiled = PolicyCompiler.compile(rules);
            } catch (PolicyTooLargeException e) {
                continue;
            }
            for (int probe = 0; probe < 40; probe++) {
                byte[] address = randomAddress(random);
                Protocol protocol = protocols[random.nextInt(protocols.length)];
                Packet p = new Packet(address, protocol, ports[random.nextInt(ports.length)] + random.nextInt(2));
                assertEquals(bySpec(rules, p), byKernelModel(compiled, p), () -> "rules " + rules + " packet "
                        + IpPrefix.of(p.address(), p.address().length * 8) + " " + p.protocol() + " " + p.port());
            }
        }
    }
}
