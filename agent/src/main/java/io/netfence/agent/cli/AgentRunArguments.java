package io.netfence.agent.cli;

import io.netfence.agent.daemon.RunArguments;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/** The agent's reading of run options sent as typed: {@code run}'s own options and checks. */
public final class AgentRunArguments implements RunArguments {
    @Override
    public Optional<Plan> parse(List<String> args, boolean root) {
        RunCommand run = new RunCommand();
        CommandLine cli = new CommandLine(run);
        cli.setExpandAtFiles(false); // an @FILE argument would have the agent (root) read a file the caller names
        List<String> argv = new ArrayList<>(args);
        argv.addAll(List.of("--", "COMMAND"));
        CommandLine.ParseResult parsed;
        try {
            parsed = cli.parseArgs(argv.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            return Optional.empty(); // the CLI says it, with its usage hint
        }
        if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested() || !run.command.equals(List.of("COMMAND"))) {
            return Optional.empty(); // help, or a word that is no option before "--": the CLI says what it makes of it
        }
        try {
            return run.planForAgent(root);
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
