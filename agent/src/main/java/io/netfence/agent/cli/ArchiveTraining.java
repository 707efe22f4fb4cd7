package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody;
import io.netfence.agent.api.ApiJson;
import io.netfence.agent.api.RunRequest;
import io.netfence.agent.datapath.PolicyCompiler;
import io.netfence.agent.policy.Policy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine;

/**
 * The work the CLI's class-data sharing archive is made from ({@link StartupCache} runs it under {@code
 * -XX:ArchiveClassesAtExit}). The archive then holds every class this loaded, parsed, verified and linked, so a
 * later CLI start maps them instead.
 *
 * <p>It runs, in this JVM and as people run them, the commands that need neither root nor an agent: every
 * command's help, {@code policy check} of a policy file and of a rules file, {@code status} with no agent. Of
 * {@code run}, whose real work needs root and the kernel or an agent, it does the pure part. Then it loads
 * netfence's, picocli's and JNA's classes without initialising them: no static initialiser runs, so no native
 * library is loaded and nothing reaches the kernel. It writes only in the directory it is given.
 */
final class ArchiveTraining {
    private static final List<String> PACKAGES = List.of("io/netfence/", "picocli/", "com/sun/jna/");
    private static final String POLICY = """
            policies:
              - name: training
                target: /netfence-training.slice/*
                egress:
                  - deny any
                  - allow own-loopback
                  - allow 198.18.0.0/15:443/tcp
                  - allow [fd00::53]:53/udp
                ingress:
                  - deny any
                  - allow own-loopback
            """;
    private static final String RULES = """
            deny any
            allow localhost
            allow 198.18.0.0/15:443/tcp
            allow [fd00::53]:53/udp
            allow 198.18.0.53:53
            deny 198.18.0.66
            ingress-deny any
            ingress-allow 198.18.0.0/15:8443/tcp
            allow own-loopback
            ingress-allow own-loopback
            """;

    private ArchiveTraining() {}

    /**
     * Runs the commands and {@code run}'s pure part, with their output discarded.
     *
     * @throws IllegalStateException when a command did not end as expected: an archive trained on an error
     *                               path would leave out the classes of the path people take
     */
    static void train(Path directory) throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try (PrintStream discard = new PrintStream(OutputStream.nullOutputStream())) {
            System.setOut(discard);
            System.setErr(discard);
            runCommands(directory);
            runPurePartOfRun();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static void runCommands(Path directory) throws IOException {
        expect(ExitCodes.OK, "--help");
        for (String command : CommandTree.full().getSubcommands().keySet()) {
            expect(ExitCodes.OK, command, "--help");
        }
        expect(ExitCodes.OK, "policy", "check", "--help");
        expect(ExitCodes.OK, "policy", "check", Files.writeString(directory.resolve("training.yaml"), POLICY).toString());
        expect(ExitCodes.OK, "policy", "check", Files.writeString(directory.resolve("training.rules"), RULES).toString());
        expect(ExitCodes.USAGE, "run", "--deny", "198.18.0.0/40", "--", "true");   // refused while parsing, as a typo is
        expect(ExitCodes.USAGE, "status", "--socket", directory.resolve("no-agent.sock").toString());
    }

    private static void expect(int exitCode, String... args) {
        int actual = Main.execute(args);
        if (actual != exitCode) {
            throw new IllegalStateException("training: 'netfence " + String.join(" ", args) + "' exited " + actual
                    + ", not " + exitCode);
        }
    }

    /**
     * {@code run}'s work before it needs root or an agent: arguments, policy, compiled rulesets, the command, the
     * launcher's name, the agent's run socket from its config (a read, or the default), and the messages it would
     * exchange with the agent.
     */
    private static void runPurePartOfRun() throws IOException {
        String[] args = {"run", "--no-network", "--allow", "198.18.0.0/15:443/tcp", "--", "true"};
        CommandLine cli = CommandTree.forArguments(args);
        cli.parseArgs(args);
        RunCommand run = cli.getSubcommands().get("run").getCommand();
        Policy policy = run.rules.toPolicy("run-training", false);
        PolicyCompiler.compile(policy.egress(), policy.egressNames());
        PolicyCompiler.compile(policy.ingress(), policy.ingressNames());
        RunCommand.resolve("true");
        SandboxLauncher.fileName(SandboxLauncher.binary());
        AgentRun.socket(null);
        RunRequest request = AgentRun.request(1, policy);
        ApiJson.read(ApiJson.write(request), RunRequest.class);
        ApiJson.read(ApiJson.write(new ApiBody.RunFinished(1, List.of("198.18.0.66:443/tcp (connect)"), false)), ApiBody.RunFinished.class);
    }

    /** Loads, without initialising, every class of {@link #PACKAGES} in the jar this runs from. */
    static int loadClasses() throws IOException, URISyntaxException {
        Path jar = Path.of(ArchiveTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ClassLoader loader = ArchiveTraining.class.getClassLoader();
        int loaded = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String entry : zip.stream().map(ZipEntry::getName).filter(ArchiveTraining::isTrainedClass).toList()) {
                try {
                    Class.forName(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'), false, loader);
                    loaded++;
                } catch (LinkageError | ClassNotFoundException e) {
                    // a class for a platform or an optional library this JVM lacks: it would not load at run time either
                }
            }
        }
        return loaded;
    }

    private static boolean isTrainedClass(String entry) {
        return entry.endsWith(".class") && !entry.startsWith("META-INF/") && PACKAGES.stream().anyMatch(entry::startsWith);
    }
}
