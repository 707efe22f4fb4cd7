package io.netfence.agent.cli;

/** Bad input or an unfit host: printed as one line, exit code 2, nothing changed. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
