package io.netfence.agent.api;

import java.util.List;

/**
 * What a {@code netfence run} asks of the agent: confine the stopped process {@code pid} (the
 * caller's own child) with these rules, written as in rules files, on top of every netfence policy
 * the caller is under. The Java CLI sends the rules it parsed; nf-sandbox's client (no JVM) sends
 * {@code args} instead, the run options as they were typed, which the agent reads with the CLI's
 * own parser (egress, ingress and audit are then not read).
 */
public record RunRequest(long pid, List<String> egress, List<String> ingress, boolean audit, List<String> args) {}
