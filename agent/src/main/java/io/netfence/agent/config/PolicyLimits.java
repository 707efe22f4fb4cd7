package io.netfence.agent.config;

/**
 * The bounds every policy source is held to, so that no input can make the agent parse for long,
 * nest deep enough to overflow a stack, or fill its heap. A source over a bound is refused with a
 * message naming the bound; the policies in force stay. README lists the same numbers.
 */
public final class PolicyLimits {
    /**
     * Bytes in one policy file: about 200,000 single-address rules. Parsing YAML takes some 30
     * bytes of heap per byte of text; this is what the agent's 256 MiB heap holds with the
     * policies in force beside it (README, "Limits"). Equal to an {@code apply} body (ApiServer).
     */
    public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;
    /** Bytes of all policy files of a directory together: a reload holds at most this much text at once. */
    public static final long MAX_TOTAL_BYTES = 8L * 1024 * 1024;
    /** Rules in all policies together (a keyword like 'any' is two): about 170 bytes of heap each while in force. */
    public static final int MAX_RULES = 300_000;
    /** Characters in one line: a rule is far shorter; a longer line is a mistake or an attack. */
    public static final int MAX_LINE_CHARS = 4096;
    /** Levels of nested lists and mappings: the format needs four. */
    public static final int MAX_NESTING_DEPTH = 16;
    /** Policies across all files. */
    public static final int MAX_POLICIES = 4096;
    /**
     * Bytes of one rules file ({@code --rules-file}), read by the CLI line by line: room for
     * 4M single-address rules, as many as the kernel's rule map holds.
     */
    public static final long MAX_RULES_FILE_BYTES = 128L * 1024 * 1024;
    /** Rules from one rules file (a keyword is two): nf_rules' capacity (bpf/src/maps.bpf.h), more can never fit. */
    public static final int MAX_RULES_FILE_RULES = 4 * 1024 * 1024;
    /** Rules given as options (--allow, --deny, ...): more belong in a rules file. */
    public static final int MAX_RULE_OPTIONS = 1000;
    /** Characters of one error line: a quoted 1 MiB rule is cut, not printed whole. */
    public static final int MAX_MESSAGE_CHARS = 300;

    private PolicyLimits() {}

    /** The message, cut to {@link #MAX_MESSAGE_CHARS} with a note of how much was left out. */
    public static String cut(String message) {
        if (message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE_CHARS) + "... (" + (message.length() - MAX_MESSAGE_CHARS) + " more characters)";
    }
}
