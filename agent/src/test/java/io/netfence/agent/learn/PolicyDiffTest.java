package io.netfence.agent.learn;

import static io.netfence.agent.learn.LearnedRulesTest.flow;
import static io.netfence.agent.learn.LearnedRulesTest.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.PortRange;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleLines;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyDiffTest {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;

    private static PolicyDiff.Rules rules(String... lines) {
        List<Rule> egress = new ArrayList<>();
        List<Rule> ingress = new ArrayList<>();
        for (String line : lines) {
            boolean in = line.startsWith("ingress-");
            RuleLines.add(in ? line.substring("ingress-".length()) : line, in ? ingress : egress,
                    in ? null : new PacketSockets[] {PacketSockets.BY_DEFAULT});
        }
        return new PolicyDiff.Rules(egress, ingress);
    }

    /** The flows of a client that reached three hosts (TCP, UDP, ICMP) and got their answers. */
    private static final List<ObservedFlow> THREE_HOSTS = List.of(
            flow(false, "198.18.1.2", TCP, port(8080), 12),
            flow(false, "198.18.2.2", UDP, port(5353), 3),
            flow(false, "198.18.3.2", ICMP, null, 1),
            flow(true, "198.18.1.2", TCP, ObservedFlow.EPHEMERAL, 11),
            flow(true, "198.18.2.2", UDP, ObservedFlow.EPHEMERAL, 3),
            flow(true, "198.18.3.2", ICMP, null, 1));

    private static final PolicyDiff.Rules LEARNED = rules("deny any", "allow own-loopback", "allow 198.18.1.2:8080/tcp",
            "allow 198.18.2.2:5353/udp", "allow 198.18.3.2/icmp", "ingress-deny any", "ingress-allow own-loopback",
            "ingress-allow 198.18.1.2:32768-65535/tcp", "ingress-allow 198.18.2.2:32768-65535/udp", "ingress-allow 198.18.3.2/icmp");

    @Test
    void theSamePolicyAgreesOnEveryFlow() {
        PolicyDiff diff = PolicyDiff.of(LEARNED, LEARNED, THREE_HOSTS);

        assertTrue(diff.same());
        assertEquals(6, diff.agreeing());
        assertEquals(6, diff.flows());
    }

    @Test
    void aCandidateThatDropsOneHostDeniesExactlyThatHostsFlows() {
        PolicyDiff.Rules candidate = rules("deny any", "allow own-loopback", "allow 198.18.1.2:8080/tcp",
                "allow 198.18.3.2/icmp", "ingress-deny any", "ingress-allow own-loopback",
                "ingress-allow 198.18.1.2:32768-65535/tcp", "ingress-allow 198.18.3.2/icmp");

        PolicyDiff diff = PolicyDiff.of(LEARNED, candidate, THREE_HOSTS);

        assertEquals(List.of(new PolicyDiff.Difference(THREE_HOSTS.get(1), port(5353)),
                new PolicyDiff.Difference(THREE_HOSTS.get(4), ObservedFlow.EPHEMERAL)), diff.newlyDenied());
        assertEquals(List.of(), diff.newlyAllowed());
        assertEquals(4, diff.agreeing());
    }

    @Test
    void theReverseIsListedAsNewlyAllowedSortedEgressFirstThenByAddress() {
        PolicyDiff.Rules inForce = rules("deny any", "allow 198.18.3.2/icmp", "ingress-deny 198.18.0.0/15");
        PolicyDiff.Rules candidate = rules("allow any", "ingress-allow any");

        PolicyDiff diff = PolicyDiff.of(inForce, candidate, THREE_HOSTS);

        assertEquals(List.of(), diff.newlyDenied());
        assertEquals(List.of("198.18.1.2:8080/tcp", "198.18.2.2:5353/udp", "198.18.1.2:32768-65535/tcp",
                "198.18.2.2:32768-65535/udp", "198.18.3.2/icmp"),
                diff.newlyAllowed().stream().map(d -> DiffReport.flowText(d.flow(), d.ports())).toList());
        assertEquals(List.of(false, false, true, true, true), diff.newlyAllowed().stream().map(d -> d.flow().ingress()).toList());
        assertEquals(1, diff.agreeing()); // the egress ping
    }

    @Test
    void anEphemeralRangeIsJudgedPortRangeByPortRangeWhereRulesCutIt() {
        PolicyDiff.Rules inForce = rules("ingress-deny any", "ingress-allow 198.18.1.2:32768-65535/tcp");
        PolicyDiff.Rules candidate = rules("ingress-deny any", "ingress-allow 198.18.1.2:40000-49999/tcp",
                "ingress-allow 198.18.1.2:60000-65535/tcp");
        ObservedFlow answers = THREE_HOSTS.get(3);

        PolicyDiff diff = PolicyDiff.of(inForce, candidate, List.of(answers));

        assertEquals(List.of(new PolicyDiff.Difference(answers, new PortRange(32768, 39999)),
                new PolicyDiff.Difference(answers, new PortRange(50000, 59999))), diff.newlyDenied());
        assertEquals(0, diff.agreeing());
    }

    @Test
    void portRulesDoNotCutFlowsWithoutPortsAndOwnLoopbackNeedsTheOwnFlag() {
        ObservedFlow own = new ObservedFlow(false, IpPrefix.parse("127.0.0.1"), TCP, port(5432), true, 4, 400, 0,
                Instant.EPOCH, Instant.EPOCH);
        ObservedFlow hostService = new ObservedFlow(false, IpPrefix.parse("127.0.0.1"), TCP, port(5432), false, 2, 200, 2,
                Instant.EPOCH, Instant.EPOCH);
        PolicyDiff.Rules inForce = rules("deny any", "allow own-loopback");
        PolicyDiff.Rules candidate = rules("deny any", "allow localhost:5432/tcp");

        PolicyDiff diff = PolicyDiff.of(inForce, candidate, List.of(own, hostService));

        assertEquals(List.of(), diff.newlyDenied());
        assertEquals(List.of(new PolicyDiff.Difference(hostService, port(5432))), diff.newlyAllowed());
        assertEquals(1, diff.agreeing());
    }

    @Test
    void theReportListsBothSidesWithCountsAndSightingsThenTheAgreement() {
        PolicyDiff.Rules candidate = rules("deny any", "allow 198.18.1.2:8080/tcp", "allow 198.18.3.2/icmp", "allow 198.18.9.9",
                "ingress-allow any");
        List<ObservedFlow> flows = new ArrayList<>(THREE_HOSTS);
        flows.add(flow(false, "198.18.9.9", TCP, port(22), 2));
        PolicyDiff.Rules inForce = rules("deny 198.18.9.9", "ingress-allow any");

        List<String> report = DiffReport.lines(PolicyDiff.of(inForce, candidate, flows));

        assertEquals(List.of(
                "would deny, allowed now (1):",
                "  egress  198.18.2.2:5353/udp         3 packets, first 2026-11-30T09:00:00Z, last 2026-11-30T09:00:03Z",
                "would allow, denied now (1):",
                "  egress  198.18.9.9:22/tcp           2 packets, first 2026-11-30T09:00:00Z, last 2026-11-30T09:00:02Z",
                "agree: 5 flows of 7"), report);
        assertFalse(PolicyDiff.of(inForce, candidate, flows).same());
    }
}
