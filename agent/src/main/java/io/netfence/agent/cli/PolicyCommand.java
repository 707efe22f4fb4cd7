package io.netfence.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Check policies before they are applied, and compare them with the policies in force on recorded flows.",
        subcommands = {PolicyCheckCommand.class, PolicyDiffCommand.class})
public final class PolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (check, diff)");
    }
}
