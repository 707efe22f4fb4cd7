package io.netfence.agent.names;

import io.netfence.agent.datapath.LearnedAddresses;
import io.netfence.agent.datapath.abi.DnsSteer;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Answers one steered query: refuses a name the policies refuse (REFUSED: it is the policy, not
 * the DNS, that says no, and unlike NXDOMAIN it is not cached as "this name does not exist"),
 * else asks the resolver the program asked, learns the answered addresses for the attachment,
 * and only then returns the answer, unchanged, to be relayed.
 */
final class QueryHandler {
    private final LearnedAddresses kernel;
    private final IntFunction<List<NamePolicy>> policiesOfScope;
    private final Upstream upstream;
    private final DnsLimits limits;
    private final NameStats stats;
    private final AnswerListener listener;

    QueryHandler(LearnedAddresses kernel, IntFunction<List<NamePolicy>> policiesOfScope, DnsLimits limits, NameStats stats,
                 AnswerListener listener) {
        this.kernel = kernel;
        this.listener = listener;
        this.policiesOfScope = policiesOfScope;
        this.upstream = new Upstream(limits.upstreamTimeout());
        this.limits = limits;
        this.stats = stats;
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
        if (policies.isEmpty() || policies.stream().anyMatch(p -> p.refuses(question.name()))) {
            stats.refused(question.name());
            return Optional.of(Replies.error(query, Replies.REFUSED));
        }
        byte[] reply;
        try {
            reply = upstream.ask(steer.resolver(), query, tcp);
        } catch (IOException e) {
            stats.failed();
            return Optional.of(Replies.error(query, Replies.SERVFAIL));
        }
        Optional<Answer> answer = Answer.read(reply, question);
        if (answer.isEmpty()) {
            stats.failed();
            return Optional.of(Replies.error(query, Replies.SERVFAIL));
        }
        if (answer.get().code().equals(DnsResponseCode.NOERROR)) {
            try {
                learn(steer.scope(), question.name(), answer.get(), policies);
            } catch (IOException e) {
                stats.failed(); // never relay an answer whose addresses would then be refused
                return Optional.of(Replies.error(query, Replies.SERVFAIL));
            }
        }
        return Optional.of(reply);
    }

    private void learn(int scope, String name, Answer answer, List<NamePolicy> policies) throws IOException {
        long expires = limits.expiry(System.nanoTime(), answer.ttlSeconds());
        NameTeacher.teach(kernel, name, answer.addresses(), expires, policies);
        listener.learned(scope, name, answer.addresses(), expires);
        stats.learned(answer.addresses().size());
    }
}
