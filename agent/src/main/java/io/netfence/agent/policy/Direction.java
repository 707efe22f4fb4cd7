package io.netfence.agent.policy;

/** Egress rules judge the destination; ingress rules judge the peer of inbound traffic. */
public enum Direction {
    EGRESS, INGRESS;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
