package io.netfence.agent.policy;

public enum Verdict {
    ALLOW, DENY;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
