package io.netfence.agent.daemon;

import io.netfence.agent.policy.Policy;
import java.util.List;
import java.util.Optional;

/**
 * Run options sent as they were typed (nf-sandbox's client, {@code netfence run} without a JVM),
 * read with the CLI's own parser, so that a run means the same whichever client asks.
 */
public interface RunArguments {
    /** What such a run asks for: its policy, and the options nf-sandbox goes on with. */
    record Plan(Policy policy, List<String> launch) {}

    /**
     * @param root whether the caller is root
     * @return the plan, or empty for a run the Java CLI makes itself (--learn, --rules-file, --help, a
     *         malformed option, ...)
     * @throws IllegalArgumentException naming the option and what is wrong with it
     */
    Optional<Plan> parse(List<String> args, boolean root);
}
