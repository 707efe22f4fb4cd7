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
