package io.netfence.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NameRuleSyntaxTest {

    private static NameRule name(String text) {
        List<Rule> rules = new ArrayList<>();
        List<NameRule> names = new ArrayList<>();
        RuleSyntax.parseInto(Verdict.ALLOW, text, rules, names);
        assertTrue(rules.isEmpty(), text + " is a name rule");
        assertEquals(1, names.size());
        return names.get(0);
    }

    @Test
    void aNameWithPortAndProtocol() {
        NameRule rule = name("API.Example.test.:443/tcp");

        assertEquals(new NamePattern("api.example.test", false), rule.pattern());
        assertEquals(new PortRange(443, 443), rule.ports());
        assertEquals(Protocol.TCP, rule.protocol());
        assertEquals("allow api.example.test:443/tcp", rule.toString());
    }

    @Test
    void aWildcardMatchesEveryNameBelowButNotItself() {
        NamePattern pattern = name("*.pkg.example.test").pattern();

        assertTrue(pattern.matches("a.pkg.example.test"));
        assertTrue(pattern.matches("a.b.pkg.example.test"));
        assertFalse(pattern.matches("pkg.example.test"));
        assertFalse(pattern.matches("xpkg.example.test"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"any", "localhost", "own-loopback", "link-local", "multicast", "198.18.0.2", "fd00::/8",
            "[fd00::2]:53/udp", "198.18.0.0/15:443"})
    void keywordsAndAddressesStayAddressRules(String text) {
        assertTrue(RuleSyntax.parseName(Verdict.ALLOW, text).isEmpty(), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "locahost|unknown keyword 'locahost'",
        "api..example.test|is not a host name",
        "*.test:99999|out of range",
        "api.example.test/icmp:1|unknown protocol",
    })
    void badNamesAreRefusedWithTheReason(String text, String reason) {
        RuleSyntaxException e = assertThrows(RuleSyntaxException.class,
                () -> RuleSyntax.parseInto(Verdict.ALLOW, text, new ArrayList<>(), new ArrayList<>()));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void theExactNameIsMoreSpecificThanWildcardsAndLongerSuffixesThanShorter() {
        NamePattern exact = NamePattern.parse("a.b.example.test");
        NamePattern narrow = NamePattern.parse("*.b.example.test");
        NamePattern wide = NamePattern.parse("*.example.test");

        assertTrue(exact.specificity() > narrow.specificity());
        assertTrue(narrow.specificity() > wide.specificity());
        assertTrue(exact.within(narrow) && exact.within(wide) && narrow.within(wide));
        assertFalse(wide.within(narrow));
        assertFalse(exact.within(NamePattern.parse("a.b.example.test")));
    }
}
