package io.netfence.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuleSyntaxTest {

    private static Rule one(String text) {
        List<Rule> rules = RuleSyntax.parse(Verdict.DENY, text);
        assertEquals(1, rules.size(), rules.toString());
        return rules.get(0);
    }

    @Test
    void plainAddressIsAHostPrefix() {
        Rule r = one("198.18.0.2");
        assertEquals("198.18.0.2/32", r.prefix().toString());
        assertNull(r.protocol());
        assertNull(r.ports());
    }

    @Test
    void prefixPortAndProtocol() {
        Rule r = one("198.18.0.0/15:443/tcp");
        assertEquals("198.18.0.0/15", r.prefix().toString());
        assertEquals(new PortRange(443, 443), r.ports());
        assertEquals(Protocol.TCP, r.protocol());
    }

    @Test
    void ipv6InBracketsWithPortAndProtocol() {
        Rule r = one("[fd00::2]:53/udp");
        assertEquals("fd00::2/128", r.prefix().toString());
        assertEquals(new PortRange(53, 53), r.ports());
        assertEquals(Protocol.UDP, r.protocol());
    }

    @Test
    void ipv6WithoutBracketsHasNoPort() {
        Rule r = one("fd00::/8");
        assertEquals("fd00::/8", r.prefix().toString());
        assertNull(r.ports());
    }

    @Test
    void portRangeWithoutProtocolMeansTcpAndUdp() {
        Rule r = one("10.0.0.0/8:1000-2000");
        assertEquals(new PortRange(1000, 2000), r.ports());
        assertNull(r.protocol());
    }

    @Test
    void protocolOnlyRule() {
        assertEquals(Protocol.ICMP, one("198.18.0.2/icmp").protocol());
        assertEquals("198.18.0.0/24", one("198.18.0.0/24/udp").prefix().toString());
    }

    @Test
    void hostBitsAreCleared() {
        assertEquals("198.18.0.0/15", one("198.19.1.2/15").prefix().toString());
    }

    @Test
    void ipv4MappedIpv6IsIpv4() {
        assertEquals("198.18.0.2/32", one("::ffff:198.18.0.2").prefix().toString());
        assertEquals("198.18.0.0/16", one("::ffff:198.18.0.0/112").prefix().toString());
    }

    @ParameterizedTest
    @CsvSource({"any,0.0.0.0/0,::/0", "localhost,127.0.0.0/8,::1/128", "link-local,169.254.0.0/16,fe80::/64",
        "multicast,224.0.0.0/4,ff00::/8"})
    void keywordsMeanBothFamilies(String keyword, String v4, String v6) {
        List<Rule> rules = RuleSyntax.parse(Verdict.ALLOW, keyword + ":443/tcp");
        assertEquals(List.of(v4, v6), rules.stream().map(r -> r.prefix().toString()).toList());
        assertTrue(rules.stream().allMatch(r -> r.ports().from() == 443 && r.protocol() == Protocol.TCP));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "198.18.0.300|'198.18.0.300' is not an IPv4 address",
        "198.18.0.0/33|prefix length 33 is out of range for IPv4 (0-32)",
        "fd00::/129|prefix length 129 is out of range for IPv6 (0-128)",
        "198.18.0.2:0|port 0 is out of range (1-65535)",
        "198.18.0.2:65536|port 65536 is out of range (1-65535)",
        "198.18.0.2:20-10|port range 20-10 is reversed",
        "198.18.0.2:http|'http' is not a port or port range",
        "anything|unknown keyword 'anything'",
        "any/sctp|unknown protocol 'sctp' (expected tcp, udp or icmp)",
        "198.18.0.2:80/icmp|ports apply to tcp and udp only, not icmp",
        "[fd00::2|missing ']' after the IPv6 address",
        "[fd00::2]53|expected ':PORT' after ']'",
        "''|empty rule",
        "198.18.0.0/5x|'5x' is not a prefix length",
    })
    void badRulesAreRefusedWithTheReason(String text, String reason) {
        RuleSyntaxException e = assertThrows(RuleSyntaxException.class, () -> RuleSyntax.parse(Verdict.DENY, text));
        assertTrue(e.getMessage().startsWith("invalid rule '" + text + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.18.0.2", "198.18.0.0/15", "198.18.0.2:443/tcp", "[fd00::2]:53/udp", "fd00::/8",
        "10.0.0.0/8:1000-2000", "198.18.0.2/icmp", "0.0.0.0/0", "::/0", "[fd00:1:2::3]:1-65535"})
    void formatReadsBackToTheSameRule(String text) {
        Rule rule = one(text);
        assertEquals(rule, one(RuleSyntax.format(rule)));
    }
}
