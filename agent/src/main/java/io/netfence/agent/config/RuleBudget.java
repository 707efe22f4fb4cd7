package io.netfence.agent.config;

/**
 * The rules one reload may hold, counted as they are read across every file, so that a set over
 * {@link PolicyLimits#MAX_RULES} is refused before it is held whole (a line of 'deny any' is
 * two rules in 11 bytes).
 */
final class RuleBudget {
    private long read;

    /** Counts rules just read; false once the total is over the limit. */
    boolean take(long rules) {
        read += rules;
        return read <= PolicyLimits.MAX_RULES;
    }

    /** The rules counted so far. */
    long read() {
        return read;
    }

    /** Whether {@code rules} more would still be within the limit. */
    boolean fits(long rules) {
        return read + rules <= PolicyLimits.MAX_RULES;
    }

    /** Whether the limit was passed already: the rest is not read (and not reported again). */
    boolean over() {
        return read > PolicyLimits.MAX_RULES;
    }

    static String refusal() {
        return "more than " + PolicyLimits.MAX_RULES + " rules in all policies together (the agent's limit; "
                + "'netfence attach --rules-file' takes larger lists)";
    }
}
