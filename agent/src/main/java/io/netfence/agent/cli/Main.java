package io.netfence.agent.cli;

import io.netfence.agent.api.MessageLimits;
import io.netfence.agent.cgroup.CgroupException;
import io.netfence.loader.BpfException;
import io.netfence.loader.BpfVerifierException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/** Entry point: {@code java -jar netfence.jar COMMAND ...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        if (VersionProvider.isAsked(args)) {   // a constant: picocli's model alone would cost it several times over
            System.out.println(VersionProvider.version());
            return ExitCodes.OK;
        }
        CommandLine cli = CommandTree.forArguments(args);
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler((e, arguments) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("netfence: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean verbose = parsed.hasMatchedOption("--verbose") || System.getenv("NETFENCE_DEBUG") != null;
        int code;
        String message;
        if (e instanceof UsageException || e instanceof CgroupException || e instanceof IllegalArgumentException
                || e instanceof io.netfence.agent.api.ApiClient.AgentUnreachableException) {
            code = ExitCodes.USAGE;
            message = e.getMessage();
        } else if (e instanceof BpfVerifierException v) {
            code = ExitCodes.USAGE;
            message = "the kernel refused netfence's BPF programs (it needs cgroup BPF, BTF and Linux 5.10 or newer): "
                    + (verbose ? v.getMessage() : v.operation() + ": " + io.netfence.loader.Errno.describe(v.errno()));
        } else if (e instanceof BpfException) {
            code = ExitCodes.INTERNAL;
            message = e.getMessage();
        } else {
            code = ExitCodes.INTERNAL;
            message = "internal error: " + e;
        }
        // a message may quote input (a 1 MiB rule, say): each line cut, at most MessageLimits.MAX_LINES of them
        err.println("netfence: " + String.join("\n", MessageLimits.cut(List.of(String.valueOf(message).split("\n")))));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
