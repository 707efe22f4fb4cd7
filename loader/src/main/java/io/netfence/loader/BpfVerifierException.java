package io.netfence.loader;

import java.util.List;

/** The kernel refused to load the object; the message carries the end of libbpf's log. */
public final class BpfVerifierException extends BpfException {
    private static final long serialVersionUID = 1L;
    private static final int SUMMARY_LINES = 20;
    private final List<String> log;

    BpfVerifierException(String operation, int errno, List<String> log) {
        super(operation, errno, operation + ": " + Errno.describe(errno) + summary(log));
        this.log = List.copyOf(log);
    }

    public List<String> log() {
        return log;
    }

    /** The end of libbpf's log, indented under the message. */
    static String summary(List<String> log) {
        if (log.isEmpty()) {
            return "";
        }
        List<String> tail = log.subList(Math.max(0, log.size() - SUMMARY_LINES), log.size());
        return "\n  " + String.join("\n  ", tail);
    }
}
