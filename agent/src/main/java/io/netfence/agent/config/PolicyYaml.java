package io.netfence.agent.config;

import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.RuleTexts;
import java.util.List;

/** Writes one policy as a policy file, for policies added through the API. */
public final class PolicyYaml {
    private PolicyYaml() {}

    public static String write(PolicySpec spec, String appliedFrom) {
        return "# added with 'netfence apply' from " + appliedFrom.replaceAll("[\r\n]", " ") + "\n"
                + policies(spec.name(), spec.target().text(), spec.policy());
    }

    /** A policy file of the one policy {@code name} on {@code target}. */
    public static String policies(String name, String target, Policy policy) {
        StringBuilder out = new StringBuilder();
        out.append("policies:\n");
        out.append("  - name: ").append(quote(name)).append('\n');
        out.append("    target: ").append(quote(target)).append('\n');
        out.append("    mode: ").append(policy.learn() ? "learn" : policy.audit() ? "audit" : "enforce").append('\n');
        rules(out, "egress", RuleTexts.egress(policy));
        rules(out, "ingress", RuleTexts.ingress(policy));
        return out.toString();
    }

    private static void rules(StringBuilder out, String direction, List<String> rules) {
        if (rules.isEmpty()) {
            out.append("    ").append(direction).append(": []\n");
            return;
        }
        out.append("    ").append(direction).append(":\n");
        for (String rule : rules) {
            out.append("      - ").append(quote(rule)).append('\n');
        }
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
