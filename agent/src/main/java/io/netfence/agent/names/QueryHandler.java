package io.netfence.agent.names;

import io.netfence.agent.datapath.LearnedAddresses;
import io.netfence.agent.datapath.abi.DnsSteer;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Answers one steered query: refuses a name the policies refuse (REFUSED: it is the policy, not
 * the DNS, that says no, and unlike NXDOMAIN it is not cached as "this name does not exist"),
 * else asks the resolver the program asked, learns the answered addresses for the attachment,
 * and only then returns the answer, unchanged, to be relayed.
 *
 * <p>A truncated answer (TC set: it did not fit a UDP message) is relayed as it is, so that the
 * program asks again over TCP, which the proxy serves too. The addresses it does hold are learned:
 * they are genuine, only not all of them, and the name is allowed. Servers cut at whole records;
 * a record cut off anyway is not learned, and an answer cut where nothing can be read (inside a
 * name) is relayed all the same, teaching nothing.
 */
final class QueryHandler {
    private final LearnedAddresses kernel;
    private final IntFunction<List<NamePolicy>> policiesOfScope;
    private final Upstream upstream;
    private final DnsLimits limits;
    private final NameStats stats;
    private final NameBook book;
    private final LookupListener listener;

    QueryHandler(LearnedAddresses kernel, IntFunction<List<NamePolicy>> policiesOfScope, DnsLimits limits, NameStats stats,
                 NameBook book, LookupListener listener) {
        this.kernel = kernel;
        this.listener = listener;
        this.policiesOfScope = policiesOfScope;
        this.upstream = new Upstream(limits.upstreamTimeout());
        this.limits = limits;
        this.stats = stats;
        this.book = book;
    }

    LearnedAddresses kernel() {
        return kernel;
    }

    /** The reply to send; empty to send none (a message that is not a query we answer). */
    Optional<byte[]> answer(byte[] query, DnsSteer steer, boolean tcp) {
        Optional<Question> parsed = Question.of(query);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Question question = parsed.get();
        stats.lookup();
        List<NamePolicy> policies = policiesOfScope.apply(steer.scope());
        policies.forEach(p -> p.sightings().saw(question.name()));
        if (policies.isEmpty()) {
            stats.refused(question.name());
            return Optional.of(Replies.error(query, Replies.REFUSED));
        }
        List<NamePolicy> refusing = policies.stream().filter(p -> p.refuses(question.name())).toList();
        refusing.forEach(p -> listener.refused(steer, question.name(), p));
        if (refusing.stream().anyMatch(p -> !p.applied().audit())) {
            stats.refused(question.name());
            return Optional.of(Replies.error(query, Replies.REFUSED));
        } // policies in audit mode only report it: the lookup goes on
        byte[] reply;
        try {
            reply = upstream.ask(steer.resolver(), query, tcp);
        } catch (IOException e) {
            stats.failed();
            return Optional.of(Replies.error(query, Replies.SERVFAIL));
        }
        Optional<Answer> answer = Answer.read(reply, question);
        if (answer.isEmpty()) {
            if (Answer.isTruncatedReplyTo(reply, question)) {
                return Optional.of(reply);
            }
            stats.failed();
            return Optional.of(Replies.error(query, Replies.SERVFAIL));
        }
        if (answer.get().code().equals(DnsResponseCode.NOERROR)) {
            long expires = limits.expiry(System.nanoTime(), answer.get().ttlSeconds());
            try {
                learn(steer.scope(), question.name(), answer.get(), policies, expires);
            } catch (IOException e) {
                stats.failed(); // never relay an answer whose addresses would then be refused
                return Optional.of(Replies.error(query, Replies.SERVFAIL));
            }
            for (InetAddress address : answer.get().addresses()) {
                book.remember(steer.scope(), question.name(), address, expires);
            }
        }
        return Optional.of(reply);
    }

    private void learn(int scope, String name, Answer answer, List<NamePolicy> policies, long expires) throws IOException {
        NameTeacher.teach(kernel, name, answer.addresses(), expires, policies);
        listener.learned(scope, name, answer.addresses(), expires);
        stats.learned(answer.addresses().size());
    }
}
