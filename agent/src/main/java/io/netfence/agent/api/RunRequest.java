package io.netfence.agent.api;

import java.util.List;

/**
 * What an unprivileged {@code netfence run} asks of the agent: confine the stopped process
 * {@code pid} (the caller's own child) with these rules, written as in rules files, on top of every
 * netfence policy the caller is under.
 */
public record RunRequest(long pid, List<String> egress, List<String> ingress, boolean audit) {}
