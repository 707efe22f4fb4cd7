package io.netfence.loader;

import java.util.List;

/**
 * libbpf could not parse the object (a malformed ELF, missing BTF): nothing reached the kernel,
 * so unlike {@link BpfVerifierException} this says nothing about what the kernel supports.
 */
public final class BpfObjectFormatException extends BpfException {
    private static final long serialVersionUID = 1L;

    BpfObjectFormatException(String operation, int errno, List<String> log) {
        super(operation, errno, operation + ": " + Errno.describe(errno) + BpfVerifierException.summary(log));
    }
}
