package io.netfence.loader;

import java.io.IOException;

/**
 * A libbpf or bpf(2) call that failed. The message is lowercase context joined by colons, ending
 * with strerror and the errno name: {@code attach nf_connect4 to cgroup 1234: Operation not
 * permitted (EPERM)}.
 */
public class BpfException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final int errno;

    public BpfException(String operation, int errno) {
        super(operation + ": " + Errno.describe(errno));
        this.operation = operation;
        this.errno = errno;
    }

    protected BpfException(String operation, int errno, String message) {
        super(message);
        this.operation = operation;
        this.errno = errno;
    }

    /** What was being done, without the errno text. */
    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }

    /** Throws for a libbpf int result ({@code -errno} on failure) and returns it otherwise. */
    static int check(int result, String operation) throws BpfException {
        if (result < 0) {
            throw new BpfException(operation, -result);
        }
        return result;
    }
}
