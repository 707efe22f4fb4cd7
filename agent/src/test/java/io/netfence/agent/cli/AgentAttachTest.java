package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.config.PolicyFiles;
import io.netfence.agent.config.PolicySpec;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentAttachTest {
    @Test
    void theAgentPolicyIsNamedAfterTheCgroupAndTwoCgroupsNeverShareOne() {
        assertEquals("attach-system.slice-payments.service", AgentAttach.policyName("/system.slice/payments.service"));
        String longPath = "/system.slice/" + "x".repeat(100) + ".service";
        assertTrue(AgentAttach.policyName(longPath).length() <= 63);
        assertNotEquals(AgentAttach.policyName(longPath), AgentAttach.policyName(longPath + "2"));
        assertNotEquals(AgentAttach.policyName("/Web"), AgentAttach.policyName("/web"));
    }

    @Test
    void theRulesBecomeAPolicyFileTheAgentReadsBackAsTheSamePolicy() throws Exception {
        List<Rule> egress = new ArrayList<>();
        List<NameRule> names = new ArrayList<>();
        RuleSyntax.parseInto(Verdict.DENY, "any", egress, names);
        RuleSyntax.parseInto(Verdict.ALLOW, "api.example.test:443/tcp", egress, names);
        RuleSyntax.parseInto(Verdict.ALLOW, "198.18.0.0/15:53/udp", egress, names);
        Policy policy = new Policy("attach", egress, List.of(), true, PacketSockets.BY_DEFAULT, names, List.of());

        String yaml = AgentAttach.yaml("attach-web", "/test/web \"quoted\"", policy);
        List<PolicySpec> read = PolicyFiles.parse(java.util.Map.of("attach.yaml", yaml));

        assertEquals(1, read.size());
        assertEquals("/test/web \"quoted\"", read.get(0).target().text());
        assertEquals(policy.renamed("attach-web"), read.get(0).policy());
    }
}
