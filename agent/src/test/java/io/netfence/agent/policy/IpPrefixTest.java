package io.netfence.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpPrefixTest {

    @ParameterizedTest
    @CsvSource({"fd00::2,fd00::2", "fd00:0:0:1::,fd00:0:0:1::", "::1,::1", "::,::", "1:0:0:2:0:0:0:3,1:0:0:2::3",
        "1:2:3:4:5:6:7:8,1:2:3:4:5:6:7:8", "fe80::1:0:0:1,fe80::1:0:0:1"})
    void ipv6IsWrittenInShortestForm(String in, String out) {
        assertEquals(out, IpPrefix.parse(in).addressText());
    }

    @Test
    void containsRespectsLengthAndFamily() {
        IpPrefix p = IpPrefix.parse("198.18.0.0/15");
        assertTrue(p.contains(IpPrefix.parse("198.19.255.255").address()));
        assertFalse(p.contains(IpPrefix.parse("198.20.0.0").address()));
        assertFalse(p.contains(IpPrefix.parse("fd00::1").address()));
        assertTrue(IpPrefix.parse("0.0.0.0/0").contains(IpPrefix.parse("1.2.3.4").address()));
    }

    @Test
    void truncateGivesTheCoveringPrefix() {
        assertEquals(IpPrefix.parse("198.18.0.0/15"), IpPrefix.parse("198.19.7.9/32").truncate(15));
    }

    @ParameterizedTest
    @CsvSource({"198.18.0.2/32", "198.18.0.0/15", "0.0.0.0/0", "fd00::2/128", "fd00:1:2:3:4:5:6:7/128", "ffff::/16", "::/0",
        "1:2:3:4:8000::/65"})
    void addressHalvesMakeTheSamePrefix(String text) {
        IpPrefix prefix = IpPrefix.parse(text);
        assertEquals(prefix, IpPrefix.ofBits(prefix.isIpv4(), prefix.high(), prefix.low(), prefix.length()));
    }

    @Test
    void addressHalvesAreReadInNetworkOrder() {
        IpPrefix v4 = IpPrefix.parse("198.18.0.2");
        assertEquals(0, v4.high());
        assertEquals(0xC6120002L, v4.low());
        IpPrefix v6 = IpPrefix.parse("fd00:1:2:3:4:5:6:7");
        assertEquals(0xfd00_0001_0002_0003L, v6.high());
        assertEquals(0x0004_0005_0006_0007L, v6.low());
        assertEquals("198.18.0.0/15", IpPrefix.ofBits(true, 0, 0xC6130102L, 15).toString());
        assertEquals("fd00::/60", IpPrefix.ofBits(false, 0xfd00_0000_0000_0001L, 1, 60).toString());
    }

    @Test
    void namesAreNeverResolved() {
        assertThrowsNamed("localhost.localdomain");
        assertThrowsNamed("example.com");
    }

    private static void assertThrowsNamed(String name) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(name));
        assertTrue(e.getMessage().contains("is not an IPv4 address"), e.getMessage());
    }
}
