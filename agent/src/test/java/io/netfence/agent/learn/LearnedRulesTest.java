package io.netfence.agent.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.config.RulesFile;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.PortRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnedRulesTest {
    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");

    static ObservedFlow flow(boolean ingress, String address, int protocol, PortRange ports, long packets) {
        return new ObservedFlow(ingress, IpPrefix.parse(address), protocol, ports, false, packets, packets * 100, 0, T0,
                T0.plusSeconds(packets));
    }

    static PortRange port(int port) {
        return new PortRange(port, port);
    }

    /** The rule lines, comments and blank lines left out. */
    private static List<String> rules(String text) {
        return text.lines().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void denyAnyFirstThenAllowsSortedByAddressProtocolAndPortBothWays() {
        List<ObservedFlow> flows = List.of(
                flow(false, "fd00:1::2", 6, port(443), 3),
                flow(false, "198.18.2.2", 17, port(5353), 2),
                flow(false, "198.18.10.2", 6, port(8080), 5),
                flow(false, "198.18.2.2", 6, port(8443), 1),
                flow(false, "198.18.2.2", 6, port(80), 1),
                flow(false, "198.18.3.2", 1, null, 4),
                flow(true, "198.18.10.2", 6, ObservedFlow.EPHEMERAL, 6),
                flow(true, "198.18.5.9", 6, port(22), 9));

        assertEquals(List.of("deny any", "allow own-loopback",
                "allow 198.18.2.2:80/tcp", "allow 198.18.2.2:8443/tcp", "allow 198.18.2.2:5353/udp", "allow 198.18.3.2/icmp",
                "allow 198.18.10.2:8080/tcp", "allow [fd00:1::2]:443/tcp",
                "ingress-deny any", "ingress-allow own-loopback",
                "ingress-allow 198.18.5.9:22/tcp", "ingress-allow 198.18.10.2:32768-65535/tcp"),
                rules(LearnedRules.rulesFile(List.of("header"), flows, false)));
    }

    @Test
    void eachAllowSaysHowOftenAndWhenItWasSeen() {
        String text = LearnedRules.rulesFile(List.of("learned by: test"), List.of(flow(false, "198.18.0.2", 6, port(443), 3)), false);

        assertTrue(text.startsWith("# learned by: test\n"), text);
        assertTrue(text.contains("allow 198.18.0.2:443/tcp"
                + " ".repeat(44 - "allow 198.18.0.2:443/tcp".length())
                + "# 3 packets, 300 bytes, first 2026-11-30T09:00:00Z, last 2026-11-30T09:00:03Z\n"), text);
    }

    @Test
    void ownLoopbackFlowsAreTheOwnLoopbackRuleAndNotListed() {
        ObservedFlow own = new ObservedFlow(false, IpPrefix.parse("127.0.0.1"), 6, port(5000), true, 7, 700, 0, T0, T0);
        ObservedFlow hostService = flow(false, "127.0.0.53", 17, port(53), 2);

        String text = LearnedRules.rulesFile(List.of(), List.of(own, hostService), false);

        assertEquals(List.of("deny any", "allow own-loopback", "allow 127.0.0.53:53/udp", "ingress-deny any",
                "ingress-allow own-loopback"), rules(text));
        assertTrue(text.contains("loopback among its own processes (1 flow seen)"), text);
    }

    @Test
    void theSameFlowFromSeveralCgroupsIsOneRuleWithTheSums() {
        ObservedFlow a = flow(false, "198.18.0.2", 6, port(443), 3);
        ObservedFlow b = new ObservedFlow(false, IpPrefix.parse("198.18.0.2"), 6, port(443), false, 4, 40, 0, T0.minusSeconds(60),
                T0.plusSeconds(60));

        String text = LearnedRules.rulesFile(List.of(), List.of(a, b), false);

        assertTrue(text.contains("# 7 packets, 340 bytes, first 2026-11-30T08:59:00Z, last 2026-11-30T09:01:00Z"), text);
    }

    @Test
    void flowsOnlyEverDeniedAreCommentedOutNotAllowed() {
        ObservedFlow denied = new ObservedFlow(false, IpPrefix.parse("198.18.0.9"), 6, port(25), false, 2, 0, 2, T0, T0);

        String text = LearnedRules.rulesFile(List.of(), List.of(denied), false);

        assertEquals(List.of("deny any", "allow own-loopback", "ingress-deny any", "ingress-allow own-loopback"), rules(text));
        assertTrue(text.contains("# allow 198.18.0.9:25/tcp"), text);
        assertTrue(text.contains("denied by a policy in force, 2 packets"), text);
    }

    @Test
    void aggregationOnlyWhenAskedAndOnlyForWideFanOutOfOneShape() {
        List<ObservedFlow> flows = new ArrayList<>();
        for (int i = 1; i <= LearnedRules.AGGREGATE_MIN_ADDRESSES; i++) {
            flows.add(flow(false, "198.18.7." + i, 6, port(443), 1));
        }
        flows.add(flow(false, "198.18.7.200", 6, port(80), 1)); // another port: not part of the fan-out
        flows.add(flow(false, "198.18.8.1", 6, port(443), 1));  // another /24

        assertEquals(LearnedRules.AGGREGATE_MIN_ADDRESSES + 2 + 4, rules(LearnedRules.rulesFile(List.of(), flows, false)).size());
        String aggregated = LearnedRules.rulesFile(List.of(), flows, true);
        assertEquals(List.of("deny any", "allow own-loopback", "allow 198.18.7.0/24:443/tcp", "allow 198.18.7.200:80/tcp",
                "allow 198.18.8.1:443/tcp", "ingress-deny any", "ingress-allow own-loopback"), rules(aggregated));
        assertTrue(aggregated.contains(LearnedRules.AGGREGATE_MIN_ADDRESSES + " addresses"), aggregated);
    }

    @Test
    void theOutputIsARulesFileNetfenceReads(@TempDir Path dir) throws Exception {
        List<ObservedFlow> flows = List.of(flow(false, "fd00:1::2", 17, port(53), 1), flow(true, "198.18.0.2", 17,
                ObservedFlow.EPHEMERAL, 1), flow(false, "198.18.0.2", 132, null, 1));
        Path file = dir.resolve("learned.rules");
        Files.writeString(file, LearnedRules.rulesFile(List.of("h"), flows, false));

        RulesFile.Rules read = RulesFile.read(file);

        assertEquals(List.of("deny 0.0.0.0/0", "deny ::/0", "allow own-loopback", "allow own-loopback", "allow 198.18.0.2",
                "allow [fd00:1::2]:53/udp"), read.egress().stream().map(Object::toString).toList());
        assertEquals(5, read.ingress().size());
    }
}
