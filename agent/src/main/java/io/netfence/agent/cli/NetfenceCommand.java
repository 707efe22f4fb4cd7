package io.netfence.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "netfence",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Decide in the kernel what network traffic a command or a cgroup may send and receive.",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"",
                "RULE is PREFIX[:PORT[-PORT]][/PROTO]: 198.18.0.0/15, 198.18.0.2:443/tcp, [fd00::2]:53/udp,",
                "10.0.0.0/8:1000-2000, or a keyword: any, localhost, link-local, multicast.",
                "The most specific rule wins (longer prefix, then port, then protocol; deny on a tie);",
                "traffic no rule matches is allowed, so --deny any makes an allow-list.",
                "",
                "Exit codes: 0 ok, 1 internal error, 2 bad input or unfit host; run: the command's code."})
/** The root command; its commands are in {@link AllCommands}, from which {@link CommandTree} adds them. */
public class NetfenceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (run, attach, detach, list, wait, agent, status, policies, apply, delete, events, policy or learn)");
    }
}
