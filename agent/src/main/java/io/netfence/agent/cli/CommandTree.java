package io.netfence.agent.cli;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command line as the CLI builds it, with no more of picocli's model than the arguments need. picocli builds a
 * command's model by reflection over its fields, mixins and annotations; for all thirteen commands that was most of
 * the CLI's start-up (docs/benchmarks.md, "Start-up").
 *
 * <ul>
 *   <li>{@code COMMAND ...}: the root and COMMAND alone. Errors in COMMAND's arguments name COMMAND's options only.
 *   <li>root options alone, or nothing ({@code --help}, a missing command): the root and every command as an
 *       outline, its names and description, which is all the root's help and errors read.
 *   <li>anything else (an unknown command, an argument file, options before the command): the full tree, so that
 *       nothing picocli could match is missing.
 * </ul>
 */
final class CommandTree {
    private static final List<Class<?>> COMMANDS = List.of(AllCommands.class.getAnnotation(Command.class).subcommands());

    private CommandTree() {}

    /** Every command in full, as man pages and completion see them. */
    static CommandLine full() {
        return new CommandLine(new AllCommands());
    }

    static CommandLine forArguments(String... args) {
        if (args.length > 0) {
            Optional<Class<?>> named = COMMANDS.stream().filter(type -> isNamed(type, args[0])).findFirst();
            if (named.isPresent()) {
                Command command = named.get().getAnnotation(Command.class);
                return root().addSubcommand(command.name(), new CommandLine(named.get()), command.aliases());
            }
        }
        if (Stream.of(args).anyMatch(arg -> !arg.startsWith("-"))) {
            return full();
        }
        CommandLine root = root();
        for (Class<?> type : COMMANDS) {
            Command command = type.getAnnotation(Command.class);
            root.addSubcommand(command.name(), outline(command), command.aliases());
        }
        return root;
    }

    private static CommandLine root() {
        return new CommandLine(new NetfenceCommand());
    }

    private static boolean isNamed(Class<?> type, String name) {
        Command command = type.getAnnotation(Command.class);
        return command.name().equals(name) || List.of(command.aliases()).contains(name);
    }

    /** Never run: outlines are built only when no argument could name a command. */
    private static CommandLine outline(Command command) {
        CommandSpec spec = CommandSpec.create();
        spec.usageMessage().description(command.description()).header(command.header()).hidden(command.hidden());
        return new CommandLine(spec);
    }
}
