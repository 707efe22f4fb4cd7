package io.netfence.agent.policy;

import java.util.List;
import java.util.Optional;

/**
 * One rule as a line says it, {@code allow|deny RULE}, including the policy keys that are not
 * prefix rules ({@code packet-sockets}). Shared by everything that reads rules written as lines.
 */
public final class RuleLines {
    private RuleLines() {}

    /**
     * Adds what {@code line} says to {@code into}, or to {@code packetSockets[0]}; that array is
     * null where no packet-sockets rule may stand (ingress).
     *
     * @throws RuleSyntaxException naming the line and what is wrong
     */
    public static void add(String line, List<Rule> into, PacketSockets[] packetSockets) {
        Optional<RuleSyntax.Action> action = RuleSyntax.splitAction(line);
        Optional<Verdict> verdict = action.flatMap(RuleSyntax.Action::verdict);
        if (verdict.isEmpty()) {
            throw new RuleSyntaxException(line, "a rule is 'allow RULE' or 'deny RULE'");
        }
        add(verdict.get(), action.get().rule(), into, packetSockets);
    }

    /** The same for a rule whose verdict is already known (a CLI option's). */
    public static void add(Verdict verdict, String rule, List<Rule> into, PacketSockets[] packetSockets) {
        if (PacketSockets.isKeyword(rule)) {
            if (packetSockets == null) {
                throw new RuleSyntaxException(rule, "'" + PacketSockets.KEYWORD + "' is an egress rule");
            }
            packetSockets[0] = PacketSockets.of(verdict);
            return;
        }
        into.addAll(RuleSyntax.parse(verdict, rule));
    }
}
