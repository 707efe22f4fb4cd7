package io.netfence.agent.policy;

import java.util.List;
import java.util.Optional;

/**
 * One rule as a line says it, {@code allow|deny RULE}, including the policy keys that are not
 * prefix rules ({@code packet-sockets}), and name rules where the caller takes them. Shared by
 * everything that reads rules written as lines.
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
        add(line, into, null, packetSockets);
    }

    /**
     * The same, with name rules ({@code api.example.test}) going to {@code names}; where that is
     * null, a name is parsed as an address rule (and refused).
     */
    public static void add(String line, List<Rule> into, List<NameRule> names, PacketSockets[] packetSockets) {
        Optional<RuleSyntax.Action> action = RuleSyntax.splitAction(line);
        Optional<Verdict> verdict = action.flatMap(RuleSyntax.Action::verdict);
        if (verdict.isEmpty()) {
            throw new RuleSyntaxException(line, "a rule is 'allow RULE' or 'deny RULE'");
        }
        add(verdict.get(), action.get().rule(), into, names, packetSockets);
    }

    /** The same for a rule whose verdict is already known (a CLI option's). */
    public static void add(Verdict verdict, String rule, List<Rule> into, PacketSockets[] packetSockets) {
        add(verdict, rule, into, null, packetSockets);
    }

    /** The same, with name rules going to {@code names} (null: none taken). */
    public static void add(Verdict verdict, String rule, List<Rule> into, List<NameRule> names, PacketSockets[] packetSockets) {
        if (PacketSockets.isKeyword(rule)) {
            if (packetSockets == null) {
                throw new RuleSyntaxException(rule, "'" + PacketSockets.KEYWORD + "' is an egress rule");
            }
            packetSockets[0] = PacketSockets.of(verdict);
            return;
        }
        if (names == null) {
            into.addAll(RuleSyntax.parse(verdict, rule));
        } else {
            RuleSyntax.parseInto(verdict, rule, into, names);
        }
    }
}
