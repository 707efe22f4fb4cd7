package io.netfence.agent.names;

import static io.netfence.agent.names.Messages.a;
import static io.netfence.agent.names.Messages.cname;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.LearnedAddresses;
import io.netfence.agent.datapath.NameTable;
import io.netfence.agent.datapath.PolicyCompiler;
import io.netfence.agent.datapath.abi.DnsSteer;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy's answer to one query, against a resolver on loopback that answers what the test says. */
class QueryHandlerTest {
    private static final int SCOPE = 7;
    private final DatagramSocket resolver;
    private final List<String> learned = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final NameStats stats = new NameStats();
    private final NameBook book = new NameBook();
    private volatile byte[] nextAnswer;
    private NamePolicy namePolicy;

    QueryHandlerTest() throws Exception {
        resolver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread server = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try {
                while (true) {
                    DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                    resolver.receive(query);
                    events.add("asked");
                    byte[] answer = nextAnswer;
                    resolver.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                }
            } catch (Exception closed) {
                // the test is over
            }
        });
        server.setDaemon(true);
        server.start();
    }

    @AfterEach
    void stop() {
        resolver.close();
    }

    private QueryHandler handler(String... rules) {
        List<Rule> prefixes = new ArrayList<>();
        List<NameRule> names = new ArrayList<>();
        for (String rule : rules) {
            String[] words = rule.split(" ");
            RuleSyntax.parseInto(words[0].equals("deny") ? Verdict.DENY : Verdict.ALLOW, words[1], prefixes, names);
        }
        Policy policy = new Policy("p", prefixes, List.of(), false, io.netfence.agent.policy.PacketSockets.BY_DEFAULT, names, List.of());
        NameTable table = PolicyCompiler.compile(prefixes, names).names();
        AppliedPolicy applied = new AppliedPolicy("p", 1, 11, 12, false, false, table, NameTable.EMPTY);
        namePolicy = NamePolicy.of(SCOPE, policy, applied);
        LearnedAddresses kernel = new LearnedAddresses() {
            @Override
            public Optional<DnsSteer> steered(int index) {
                return Optional.empty();
            }

            @Override
            public void learn(int scope, int ruleset, InetAddress address, NameTable.Entry entry, long expiresNanos) {
                long seconds = Math.round((expiresNanos - System.nanoTime()) / 1e9);
                learned.add(scope + "/" + ruleset + " " + address.getHostAddress() + " " + entry.fallback() + " " + seconds + "s");
                events.add("learned");
            }
        };
        DnsLimits limits = DnsLimits.DEFAULT.withGrace(Duration.ofSeconds(5));
        NamePolicy served = namePolicy;
        return new QueryHandler(kernel, scope -> scope == SCOPE ? List.of(served) : List.of(), limits, stats, book, LookupListener.NONE);
    }

    private DnsSteer steer() {
        return new DnsSteer((InetSocketAddress) resolver.getLocalSocketAddress(), 17, 5300, SCOPE, 1, 1);
    }

    @Test
    void anAllowedNameIsLearnedThroughItsCnameChainBeforeTheAnswerIsReturnedUnchanged() throws Exception {
        byte[] query = Messages.query(42, "www.example.test.", DnsRecordType.A);
        nextAnswer = Messages.response(42, "www.example.test.", DnsRecordType.A, 0,
                List.of(cname("www.example.test.", 300, "api.example.test"), a("api.example.test.", 60, 198, 18, 0, 2),
                        a("api.example.test.", 60, 198, 18, 0, 3)));

        Optional<byte[]> reply = handler("deny any", "allow www.example.test").answer(query, steer(), false);

        assertArrayEquals(nextAnswer, reply.orElseThrow());
        assertEquals(List.of("7/11 198.18.0.2 ALLOW 65s", "7/11 198.18.0.3 ALLOW 65s"), learned);
        assertEquals(List.of("asked", "learned", "learned"), events);
    }

    @Test
    void theTtlIsHeldBetweenFloorAndCeiling() throws Exception {
        nextAnswer = Messages.response(1, "api.example.test.", DnsRecordType.AAAA, 0,
                List.of(a("api.example.test.", 999_999, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)));

        handler("allow api.example.test").answer(Messages.query(1, "api.example.test.", DnsRecordType.AAAA), steer(), false);

        assertEquals(List.of("7/11 fd00:0:0:0:0:0:0:2 ALLOW 3605s"), learned);
    }

    @Test
    void aDeniedNameAndAnUnlistedNameUnderDenyAnyAreRefusedWithoutAskingTheResolver() throws Exception {
        QueryHandler handler = handler("deny any", "allow api.example.test", "deny tracker.example.test");

        byte[] tracker = handler.answer(Messages.query(5, "tracker.example.test.", DnsRecordType.A), steer(), false).orElseThrow();
        byte[] other = handler.answer(Messages.query(6, "other.example.test.", DnsRecordType.A), steer(), false).orElseThrow();

        assertEquals(Replies.REFUSED, tracker[3] & 0xf);
        assertEquals(5, ((tracker[0] & 0xff) << 8) | (tracker[1] & 0xff));
        assertTrue((tracker[2] & 0x80) != 0, "a response");
        assertEquals(Replies.REFUSED, other[3] & 0xf);
        assertEquals(List.of(), events);
        assertEquals(2, stats.refusals());
    }

    @Test
    void aNameNoRuleSpeaksOfIsRelayedWithoutLearningWhereAddressRulesAllow() throws Exception {
        nextAnswer = Messages.response(9, "other.example.test.", DnsRecordType.A, 0, List.of(a("other.example.test.", 60, 198, 18, 0, 9)));

        Optional<byte[]> reply = handler("deny tracker.example.test").answer(Messages.query(9, "other.example.test.", DnsRecordType.A),
                steer(), false);

        assertArrayEquals(nextAnswer, reply.orElseThrow());
        assertEquals(List.of(), learned);
    }

    @Test
    void aMalformedOrMismatchedAnswerIsServfailAndTeachesNothing() throws Exception {
        QueryHandler handler = handler("allow api.example.test");
        nextAnswer = Arrays.copyOf(Messages.response(3, "api.example.test.", DnsRecordType.A, 0,
                List.of(a("api.example.test.", 60, 198, 18, 0, 2))), 40);
        byte[] truncated = handler.answer(Messages.query(3, "api.example.test.", DnsRecordType.A), steer(), false).orElseThrow();
        nextAnswer = Messages.response(3, "evil.example.test.", DnsRecordType.A, 0, List.of(a("evil.example.test.", 60, 198, 18, 0, 66)));
        byte[] other = handler.answer(Messages.query(3, "api.example.test.", DnsRecordType.A), steer(), false).orElseThrow();

        assertEquals(Replies.SERVFAIL, truncated[3] & 0xf);
        assertEquals(Replies.SERVFAIL, other[3] & 0xf);
        assertEquals(List.of(), learned);
    }

    @Test
    void notAQueryGetsNoAnswer() {
        assertTrue(handler("allow api.example.test").answer(new byte[] {1, 2, 3}, steer(), false).isEmpty());
    }

    @Test
    void aTruncatedAnswerIsRelayedAsItIsAndTheAddressesItHoldsAreLearned() throws Exception {
        nextAnswer = Messages.truncated(Messages.response(4, "api.example.test.", DnsRecordType.A, 0,
                List.of(a("api.example.test.", 60, 198, 18, 0, 2), a("api.example.test.", 60, 198, 18, 0, 3))));

        Optional<byte[]> reply = handler("deny any", "allow api.example.test").answer(Messages.query(4, "api.example.test.",
                DnsRecordType.A), steer(), false);

        assertArrayEquals(nextAnswer, reply.orElseThrow());
        assertEquals(List.of("7/11 198.18.0.2 ALLOW 65s", "7/11 198.18.0.3 ALLOW 65s"), learned);
    }

    @Test
    void aTruncatedAnswerCutInsideARecordIsRelayedAsItIsAndTheWholeRecordsBeforeTheCutAreLearned() throws Exception {
        byte[] whole = Messages.truncated(Messages.response(4, "api.example.test.", DnsRecordType.A, 0,
                List.of(a("api.example.test.", 60, 198, 18, 0, 2), a("api.example.test.", 60, 198, 18, 0, 3))));
        nextAnswer = Arrays.copyOf(whole, whole.length - 2);

        Optional<byte[]> reply = handler("deny any", "allow api.example.test").answer(Messages.query(4, "api.example.test.",
                DnsRecordType.A), steer(), false);

        assertArrayEquals(nextAnswer, reply.orElseThrow());
        assertEquals(List.of("7/11 198.18.0.2 ALLOW 65s"), learned);
    }

    @Test
    void aTruncatedAnswerCutInsideAnAnsweredNameIsRelayedAsItIsAndTeachesNothing() throws Exception {
        byte[] whole = Messages.truncated(Messages.response(4, "api.example.test.", DnsRecordType.A, 0,
                List.of(a("api.example.test.", 60, 198, 18, 0, 2))));
        int questionEnd = Question.HEADER + "api.example.test.".length() + 1 + 4;
        nextAnswer = Arrays.copyOf(whole, questionEnd + 5);

        Optional<byte[]> reply = handler("deny any", "allow api.example.test").answer(Messages.query(4, "api.example.test.",
                DnsRecordType.A), steer(), false);

        assertArrayEquals(nextAnswer, reply.orElseThrow());
        assertEquals(List.of(), learned);
        assertEquals(0, stats.failures());
    }

    @Test
    void aTruncatedReplyToAnotherQueryIsServfail() throws Exception {
        nextAnswer = Messages.truncated(Arrays.copyOf(Messages.response(99, "api.example.test.", DnsRecordType.A, 0, List.of()), 12));

        byte[] reply = handler("allow api.example.test").answer(Messages.query(4, "api.example.test.", DnsRecordType.A), steer(), false)
                .orElseThrow();

        assertEquals(Replies.SERVFAIL, reply[3] & 0xf);
    }

    @Test
    void everyAnsweredAddressIsBookedUnderTheNameAsked() throws Exception {
        nextAnswer = Messages.response(42, "www.example.test.", DnsRecordType.A, 0,
                List.of(cname("www.example.test.", 300, "cdn.example.test"), a("cdn.example.test.", 60, 198, 18, 0, 2)));

        handler("allow www.example.test").answer(Messages.query(42, "www.example.test.", DnsRecordType.A), steer(), false);

        assertEquals(Optional.of("www.example.test"), book.nameOf(SCOPE, InetAddress.getByName("198.18.0.2")));
        assertEquals(Optional.empty(), book.nameOf(SCOPE + 1, InetAddress.getByName("198.18.0.2")));
    }

    @Test
    void everyLookupRefusedOnesIncludedMarksTheNamePatternsItMatches() throws Exception {
        nextAnswer = Messages.response(1, "a.cdn.example.test.", DnsRecordType.A, 0, List.of(a("a.cdn.example.test.", 60, 198, 18, 0, 2)));
        QueryHandler handler = handler("deny any", "allow *.cdn.example.test", "allow api.example.test", "deny tracker.example.test",
                "allow *.other.example.test");

        handler.answer(Messages.query(1, "a.cdn.example.test.", DnsRecordType.A), steer(), false);
        handler.answer(Messages.query(2, "tracker.example.test.", DnsRecordType.A), steer(), false);

        assertEquals(List.of("api.example.test", "*.other.example.test"),
                namePolicy.sightings().unseen().stream().map(Object::toString).toList());
    }
}
