package io.netfence.agent.cli;

import picocli.CommandLine.Option;

/** -v: stack traces and libbpf's log with errors. */
public final class VerboseOption {
    @Option(names = {"-v", "--verbose"}, description = "Show details (stack traces, the verifier log) with errors.")
    boolean verbose;
}
