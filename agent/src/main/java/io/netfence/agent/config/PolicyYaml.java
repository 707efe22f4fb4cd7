package io.netfence.agent.config;

import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.RuleTexts;
import java.util.List;

/** Writes one policy as a policy file, for policies added through the API. */
public final class PolicyYaml {
    private PolicyYaml() {}

    public static String write(PolicySpec spec, String appliedFrom) {
        StringBuilder out = new StringBuilder();
        out.append("# added with 'netfence apply' from ").append(appliedFrom.replaceAll("[\r\n]", " ")).append('\n');
        out.append("policies:\n");
        out.append("  - name: ").append(quote(spec.name())).append('\n');
        out.append("    target: ").append(quote(spec.target().text())).append('\n');
        out.append("    mode: ").append(spec.policy().learn() ? "learn" : spec.policy().audit() ? "audit" : "enforce").append('\n');
        rules(out, "egress", RuleTexts.egress(spec.policy()));
        rules(out, "ingress", RuleTexts.ingress(spec.policy()));
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
