package io.netfence.agent.config;

/**
 * The bounds every policy source is held to, so that no input can make the agent parse for long,
 * nest deep enough to overflow a stack, or fill its heap. A source over a bound is refused with a
 * message naming the bound; the policies in force stay. README lists the same numbers.
 */
public final class PolicyLimits {
    /** Bytes in one policy file: about 500,000 single-address rules ({@code apply} bodies have a lower bound: ApiServer). */
    public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
    /** Bytes of all policy files together: a reload holds at most this much text at once. */
    public static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;
    /** Characters in one line: a rule is far shorter; a longer line is a mistake or an attack. */
    public static final int MAX_LINE_CHARS = 4096;
    /** Levels of nested lists and mappings: the format needs four. */
    public static final int MAX_NESTING_DEPTH = 16;
    /** Policies across all files. */
    public static final int MAX_POLICIES = 4096;
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
