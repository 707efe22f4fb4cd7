package io.netfence.agent.cli;

/** netfence's own exit codes; {@code run} otherwise exits with its command's code. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    /** {@code policy diff}: the candidate judges some recorded flow otherwise, as diff(1) says files differ. */
    public static final int DIFFERENT = 1;
    public static final int USAGE = 2;
    /** As in shells: the command was not found. */
    public static final int NOT_FOUND = 127;

    private ExitCodes() {}
}
