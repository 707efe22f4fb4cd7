package io.netfence.agent.config;

import io.netfence.agent.policy.Rule;
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
        out.append("    mode: ").append(spec.policy().audit() ? "audit" : "enforce").append('\n');
        rules(out, "egress", spec.policy().egress());
        rules(out, "ingress", spec.policy().ingress());
        return out.toString();
    }

    private static void rules(StringBuilder out, String direction, List<Rule> rules) {
        if (rules.isEmpty()) {
            out.append("    ").append(direction).append(": []\n");
            return;
        }
        out.append("    ").append(direction).append(":\n");
        for (Rule rule : rules) {
            out.append("      - ").append(quote(rule.toString())).append('\n');
        }
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
