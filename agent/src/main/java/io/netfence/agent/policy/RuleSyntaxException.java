package io.netfence.agent.policy;

/** A rule that cannot be parsed: {@code invalid rule '10.0.0.0/33': prefix length 33 is ...}. */
public final class RuleSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String rule;
    private final String problem;

    public RuleSyntaxException(String rule, String problem) {
        super("invalid rule '" + rule + "': " + problem);
        this.rule = rule;
        this.problem = problem;
    }

    public String rule() {
        return rule;
    }

    public String problem() {
        return problem;
    }
}
