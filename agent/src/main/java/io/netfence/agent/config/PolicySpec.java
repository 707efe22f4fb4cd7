package io.netfence.agent.config;

import io.netfence.agent.policy.Policy;

/** A policy as a file declares it: its rules, what it targets, and where it was written. */
public record PolicySpec(Policy policy, Target target, String source) {

    public String name() {
        return policy.name();
    }
}
