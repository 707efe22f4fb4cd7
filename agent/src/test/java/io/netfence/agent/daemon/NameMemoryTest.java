package io.netfence.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.LearnedAddresses;
import io.netfence.agent.datapath.NameTable;
import io.netfence.agent.datapath.PolicyCompiler;
import io.netfence.agent.datapath.abi.DnsSteer;
import io.netfence.agent.names.NamePolicy;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NameMemoryTest {
    private static final long SECOND = 1_000_000_000L;
    private final List<String> kernel = new ArrayList<>();
    private final LearnedAddresses learned = new LearnedAddresses() {
        @Override
        public Optional<DnsSteer> steered(int index) {
            return Optional.empty();
        }

        @Override
        public void learn(int scope, int ruleset, InetAddress address, NameTable.Entry entry, long expiresNanos) {
            kernel.add(scope + "/" + ruleset + " " + address.getHostAddress() + " until " + expiresNanos);
        }
    };

    @TempDir
    Path dir;

    private static NamePolicy policy(int scope, int ruleset, String... allowed) {
        List<Rule> prefixes = new ArrayList<>();
        List<NameRule> names = new ArrayList<>();
        for (String name : allowed) {
            RuleSyntax.parseInto(Verdict.ALLOW, name, prefixes, names);
        }
        Policy policy = new Policy("p", prefixes, List.of(), false, PacketSockets.BY_DEFAULT, names, List.of());
        AppliedPolicy applied = new AppliedPolicy("p", 1, ruleset, ruleset + 1, false, false,
                PolicyCompiler.compile(prefixes, names).names(), NameTable.EMPTY);
        return NamePolicy.of(scope, policy, applied);
    }

    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void newRulesetsAreTaughtWhatTheAttachmentLearnedAndHasNotExpired() throws Exception {
        NameMemory memory = new NameMemory(100);
        memory.learned(7, "api.example.test", List.of(address("198.18.0.5"), address("fd00::5")), 100 * SECOND);
        memory.learned(7, "old.example.test", List.of(address("198.18.0.6")), 10 * SECOND);
        memory.learned(8, "api.example.test", List.of(address("198.18.0.9")), 100 * SECOND);

        memory.teachAgain(learned, 7, List.of(policy(7, 40, "api.example.test", "old.example.test")), 20 * SECOND);

        assertEquals(List.of("7/40 198.18.0.5 until " + 100 * SECOND, "7/40 fd00:0:0:0:0:0:0:5 until " + 100 * SECOND),
                kernel.stream().sorted().toList(), "scope 7's unexpired addresses only, for the new ruleset");
    }

    @Test
    void aNameTheNewPolicyNoLongerAllowsIsNotTaught() throws Exception {
        NameMemory memory = new NameMemory(100);
        memory.learned(7, "gone.example.test", List.of(address("198.18.0.5")), 100 * SECOND);

        memory.teachAgain(learned, 7, List.of(policy(7, 40, "api.example.test")), 0);

        assertEquals(List.of(), kernel);
    }

    @Test
    void theJournalCarriesTheMemoryAndTheProxyPortToTheNextAgent() throws Exception {
        Path file = dir.resolve("names.json");
        NameMemory first = new NameMemory(100);
        first.compactIfLarge(file, 5353);
        first.learned(7, "api.example.test", List.of(address("198.18.0.5")), 100 * SECOND);
        first.learned(7, "api.example.test", List.of(address("198.18.0.5")), 200 * SECOND); // a later answer
        // no close: as after a kill -9

        NameMemory next = new NameMemory(100);
        assertEquals(5353, next.load(file));
        assertEquals(1, next.size());
        next.teachAgain(learned, 7, List.of(policy(7, 40, "api.example.test")), 0);
        assertEquals(List.of("7/40 198.18.0.5 until " + 200 * SECOND), kernel, "the latest expiry wins");
    }

    @Test
    void memoryIsBoundedAndForgetsReleasedAttachments() throws Exception {
        NameMemory memory = new NameMemory(2);
        memory.learned(7, "a.example.test", List.of(address("198.18.0.1"), address("198.18.0.2"), address("198.18.0.3")), SECOND);
        assertEquals(2, memory.size());
        assertEquals(1, memory.notRemembered());
        memory.forget(7);
        assertEquals(0, memory.size());
    }

    @Test
    void attachmentsNoLongerInForceAreForgotten() throws Exception {
        NameMemory memory = new NameMemory(100);
        memory.learned(7, "a.example.test", List.of(address("198.18.0.1")), 100 * SECOND);
        memory.learned(8, "b.example.test", List.of(address("198.18.0.2")), 100 * SECOND);
        memory.retain(java.util.Set.of(8));
        assertEquals(1, memory.size());
        memory.teachAgain(learned, 8, List.of(policy(8, 40, "b.example.test")), 0);
        assertEquals(List.of("8/40 198.18.0.2 until " + 100 * SECOND), kernel);
    }

    @Test
    void aJournalNamingAHostInsteadOfAnAddressIsNotResolved() throws Exception {
        Path file = dir.resolve("names.json");
        Files.writeString(file, "{\"version\":1,\"proxy_port\":5353}\n"
                + "{\"scope\":7,\"name\":\"x.test\",\"address\":\"evil.example.test\",\"expires_nanos\":1}\n");
        NameMemory memory = new NameMemory(100);
        assertEquals(0, memory.load(file));
        assertEquals(0, memory.size());
    }
}
