package io.netfence.agent.policy;

import java.util.ArrayList;
import java.util.List;

/** A policy's rules as the lines a user writes them, for listings and for writing files back. */
public final class RuleTexts {
    private RuleTexts() {}

    /** The egress rules, with the packet-sockets rule first where the policy says one. */
    public static List<String> egress(Policy policy) {
        List<String> texts = new ArrayList<>();
        if (policy.packetSockets().ruleText() != null) {
            texts.add(policy.packetSockets().ruleText());
        }
        texts.addAll(RuleSyntax.texts(policy.egress()));
        policy.egressNames().forEach(rule -> texts.add(rule.toString()));
        return texts;
    }

    /** The ingress rules, name rules last. */
    public static List<String> ingress(Policy policy) {
        List<String> texts = new ArrayList<>(RuleSyntax.texts(policy.ingress()));
        policy.ingressNames().forEach(rule -> texts.add(rule.toString()));
        return texts;
    }
}
