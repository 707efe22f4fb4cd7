package io.netfence.agent.datapath;

/** A policy that cannot be represented in the kernel's maps; nothing of it is written. */
public final class PolicyTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public PolicyTooLargeException(String message) {
        super(message);
    }
}
