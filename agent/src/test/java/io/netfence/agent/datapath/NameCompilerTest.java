package io.netfence.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Name rules compiled as prefixes are: own port rules, then a covering wildcard's, down to an unconditional one. */
class NameCompilerTest {

    private static CompiledRuleset compile(String... rules) {
        List<Rule> prefixes = new ArrayList<>();
        List<NameRule> names = new ArrayList<>();
        for (String rule : rules) {
            String[] words = rule.split(" ");
            RuleSyntax.parseInto(words[0].equals("deny") ? Verdict.DENY : Verdict.ALLOW, words[1], prefixes, names);
        }
        return PolicyCompiler.compile(prefixes, names);
    }

    @Test
    void aNamesPortRulesFallBackToTheWildcardCoveringIt() {
        CompiledRuleset compiled = compile("deny any", "deny *.example.test", "allow api.example.test:443/tcp");
        NameTable.Entry api = compiled.names().decide("api.example.test").orElseThrow();

        assertEquals(Verdict.DENY, api.fallback());
        CompiledRuleset.PortList list = compiled.portLists().get(api.portList() - 1);
        assertEquals(List.of(new CompiledRuleset.PortRule(443, 443, Abi.PROTO_TCP, Verdict.ALLOW)), list.rules());
        assertEquals(Verdict.DENY, compiled.names().decide("other.example.test").orElseThrow().fallback());
    }

    @Test
    void onlyPortRulesLeaveTheRestToTheAddressRules() {
        NameTable.Entry entry = compile("allow *.example.test:443/tcp").names().decide("a.b.example.test").orElseThrow();

        assertNull(entry.fallback());
        assertTrue(entry.portList() > 0);
    }

    @Test
    void theExactNameBeatsAWildcardAndDenyWinsATie() {
        NameTable names = compile("allow *.example.test", "deny api.example.test", "allow api.example.test").names();

        assertEquals(Verdict.DENY, names.decide("api.example.test").orElseThrow().fallback());
        assertEquals(Verdict.ALLOW, names.decide("www.example.test").orElseThrow().fallback());
        assertTrue(names.decide("example.test").isEmpty());
    }
}
