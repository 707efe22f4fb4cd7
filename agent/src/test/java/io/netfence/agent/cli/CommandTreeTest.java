package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/** The CLI builds only what the arguments need, and says exactly what the full tree would. */
class CommandTreeTest {
    private static final CommandLine FULL = CommandTree.full();

    @Test
    void theFullTreeIsTheRootWithEveryCommand() {
        assertEquals("netfence", FULL.getCommandName());
        assertEquals(Set.of("run", "attach", "detach", "list", "agent", "status", "policies", "apply", "delete", "wait",
                "events", "policy", "learn"), FULL.getSubcommands().keySet());
        assertEquals(Set.of("check", "diff"), FULL.getSubcommands().get("policy").getSubcommands().keySet());
    }

    @Test
    void aCommandFirstIsBuiltAlone() {
        CommandLine cli = CommandTree.forArguments("status", "--socket", "/run/x.sock");
        assertEquals(Set.of("status"), cli.getSubcommands().keySet());
        assertTrue(isBuilt(cli.getSubcommands().get("status")));
    }

    @Test
    void rootOptionsAloneGetEveryCommandAsAnOutline() {
        for (String[] args : new String[][] {{}, {"--help"}, {"-h"}, {"-V", "--help"}}) {
            Map<String, CommandLine> commands = CommandTree.forArguments(args).getSubcommands();
            assertEquals(FULL.getSubcommands().keySet(), commands.keySet());
            assertTrue(commands.values().stream().noneMatch(CommandTreeTest::isBuilt), String.join(" ", args));
        }
    }

    @Test
    void anythingElseGetsTheFullTree() {
        for (String[] args : new String[][] {{"--help", "run"}, {"rn"}, {"@arguments.txt"}, {"-v", "list"}}) {
            Map<String, CommandLine> commands = CommandTree.forArguments(args).getSubcommands();
            assertEquals(FULL.getSubcommands().keySet(), commands.keySet());
            assertTrue(commands.values().stream().allMatch(CommandTreeTest::isBuilt), String.join(" ", args));
        }
    }

    @Test
    void theRootsHelpFromOutlinesIsTheFullTreesHelp() {
        assertEquals(FULL.getUsageMessage(Ansi.OFF), CommandTree.forArguments("--help").getUsageMessage(Ansi.OFF));
        assertEquals(FULL.getUsageMessage(Ansi.ON), CommandTree.forArguments("--help").getUsageMessage(Ansi.ON));
    }

    @Test
    void eachCommandsHelpIsItsHelpInTheFullTree() {
        for (Map.Entry<String, CommandLine> command : FULL.getSubcommands().entrySet()) {
            CommandLine alone = CommandTree.forArguments(command.getKey(), "--help").getSubcommands().get(command.getKey());
            assertEquals(command.getValue().getUsageMessage(Ansi.OFF), alone.getUsageMessage(Ansi.OFF), command.getKey());
        }
    }

    /** A built command has at least the help options its class mixes in; an outline has none. */
    private static boolean isBuilt(CommandLine command) {
        return !command.getCommandSpec().options().isEmpty();
    }
}
