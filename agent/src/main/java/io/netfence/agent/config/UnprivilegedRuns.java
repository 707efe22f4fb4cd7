package io.netfence.agent.config;

import java.nio.file.Path;

/**
 * Who may {@code netfence run} without root, through the agent, and within which bounds:
 * <pre>
 * unprivileged_run:
 *   allow: group netfence           # everyone | nobody | group NAME (default: group netfence)
 *   socket: /run/netfence/run.sock  # where the CLI of such users asks the agent
 *   cgroup: /netfence-runs.slice    # the netfence-owned subtree the runs live in
 *   max_runs_per_user: 8            # concurrent runs of one user
 *   max_rules: 1000                 # rules of one run
 * </pre>
 * The default admits the members of a group {@code netfence} (nobody where there is none), as a
 * careful distribution would ship it: sandboxing one's own command is harmless, but which users
 * may ask root's agent for it is the administrator's call.
 */
public record UnprivilegedRuns(Access allow, String group, Path socket, String cgroup, int maxRunsPerUser, int maxRules) {
    public enum Access { EVERYONE, NOBODY, GROUP }

    public static final UnprivilegedRuns DEFAULTS = new UnprivilegedRuns(Access.GROUP, "netfence",
            Path.of("/run/netfence/run.sock"), "/netfence-runs.slice", 8, 1000);

    /** Parses the value of {@code allow}; throws IllegalArgumentException naming what it takes. */
    static UnprivilegedRuns withAllow(UnprivilegedRuns base, String text) {
        String[] words = text.strip().split("\\s+");
        if (words.length == 1 && words[0].equals("everyone")) {
            return new UnprivilegedRuns(Access.EVERYONE, null, base.socket, base.cgroup, base.maxRunsPerUser, base.maxRules);
        }
        if (words.length == 1 && words[0].equals("nobody")) {
            return new UnprivilegedRuns(Access.NOBODY, null, base.socket, base.cgroup, base.maxRunsPerUser, base.maxRules);
        }
        if (words.length == 2 && words[0].equals("group") && words[1].matches("[a-z_][a-z0-9_-]*\\$?")) {
            return new UnprivilegedRuns(Access.GROUP, words[1], base.socket, base.cgroup, base.maxRunsPerUser, base.maxRules);
        }
        throw new IllegalArgumentException("'allow' is everyone, nobody or 'group NAME', not '" + text + "'");
    }
}
