package io.netfence.agent.cli;

import picocli.CommandLine.Command;

/**
 * The root with every command, in the order {@code --help} lists them: the one list of netfence's commands. Man
 * pages and shell completion are generated from this class (dist/build-deb.sh); {@link CommandTree} reads the list
 * from its annotation.
 */
@Command(subcommands = {RunCommand.class, AttachCommand.class, DetachCommand.class, ListCommand.class, AgentCommand.class,
    StatusCommand.class, PoliciesCommand.class, ApplyCommand.class, DeleteCommand.class, WaitCommand.class,
    EventsCommand.class, PolicyCommand.class, LearnCommand.class})
public final class AllCommands extends NetfenceCommand {}
