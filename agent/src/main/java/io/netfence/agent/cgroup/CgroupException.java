package io.netfence.agent.cgroup;

import java.io.IOException;

/** A cgroup that is missing, malformed or cannot be changed; the message says which and why. */
public final class CgroupException extends IOException {
    private static final long serialVersionUID = 1L;

    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
