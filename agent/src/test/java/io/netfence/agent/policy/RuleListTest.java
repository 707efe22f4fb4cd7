package io.netfence.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleListTest {
    private static final List<String> TEXTS = List.of("198.18.0.2", "198.18.0.0/15:443/tcp", "0.0.0.0/0", "[fd00::2]:53/udp",
            "fd00::/8/icmp", "::/0", "10.0.0.0/8:1000-2000", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");

    private static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (String text : TEXTS) {
            rules.addAll(RuleSyntax.parse(rules.size() % 2 == 0 ? Verdict.DENY : Verdict.ALLOW, text));
        }
        rules.addAll(RuleSyntax.parse(Verdict.ALLOW, RuleSyntax.OWN_LOOPBACK));
        return rules;
    }

    @Test
    void rulesComeBackAsTheyWentIn() {
        List<Rule> rules = rules();
        RuleList list = RuleList.of(rules);
        assertEquals(rules, list);
        assertEquals(list, rules);
        assertEquals(rules.hashCode(), list.hashCode());
        assertEquals(rules.get(1).prefix(), list.get(1).prefix());
        assertEquals(443, list.portFrom(1));
        assertEquals(Protocol.TCP, list.protocol(1));
        assertEquals(Verdict.ALLOW_OWN, list.verdict(list.size() - 1));
    }

    @Test
    void partsAreCheckedAndHostBitsCleared() {
        RuleList list = new RuleList(0);
        list.add(Verdict.DENY, true, 0, 0xC6130102L, 15, null, 0, 0);
        list.add(Verdict.DENY, false, 0xfd00_0000_0000_0001L, 0xffffL, 60, Protocol.UDP, 53, 53);
        assertEquals(List.of("deny 198.18.0.0/15", "deny [fd00::/60]:53/udp"), list.stream().map(Rule::toString).toList());

        assertEquals("prefix length 33 is out of range for IPv4 (0-32)", assertThrows(IllegalArgumentException.class,
                () -> list.add(Verdict.DENY, true, 0, 0, 33, null, 0, 0)).getMessage());
        assertEquals("invalid port range 20-10", assertThrows(IllegalArgumentException.class,
                () -> list.add(Verdict.DENY, true, 0, 0, 32, null, 20, 10)).getMessage());
        assertEquals("ports apply to tcp and udp only, not icmp", assertThrows(IllegalArgumentException.class,
                () -> list.add(Verdict.DENY, true, 0, 0, 32, Protocol.ICMP, 1, 1)).getMessage());
        assertEquals(2, list.size());
    }

    @Test
    void anImmutableListIsAFrozenCopy() {
        RuleList list = RuleList.of(rules());
        List<Rule> frozen = RuleList.immutable(list);
        list.addAll(RuleSyntax.parse(Verdict.DENY, "198.51.100.7"));

        assertEquals(rules(), frozen);
        assertSame(frozen, RuleList.immutable(frozen));
        assertThrows(UnsupportedOperationException.class, () -> frozen.add(list.get(0)));
        assertThrows(UnsupportedOperationException.class, () -> frozen.addAll(list));
        assertThrows(UnsupportedOperationException.class, () -> RuleList.immutable(rules()).add(list.get(0)));
    }

    @Test
    void addAllOfAnotherListCopiesItsColumns() {
        RuleList list = new RuleList(1);
        list.addAll(RuleList.of(rules()));
        list.addAll(RuleList.of(rules()));
        List<Rule> twice = new ArrayList<>(rules());
        twice.addAll(rules());
        assertEquals(twice, list);
    }
}
