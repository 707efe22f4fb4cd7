package io.netfence.agent.cli;

import io.netfence.agent.datapath.KernelDatapath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * nf-sandbox (sandbox/src/nf-sandbox.c), the launcher {@code run} starts COMMAND through: it
 * joins the run's cgroup first, then enters the namespaces and drops the privileges that keep
 * COMMAND there. It ships inside the jar and is written once per build to the runtime
 * directory, which only root can write, under a name that carries its digest.
 */
final class SandboxLauncher {
    private static final String RESOURCE = "/io/netfence/sandbox/nf-sandbox";

    /** How COMMAND runs: as whom, with a network of its own or not, sandboxed or as host root. */
    record Options(String user, boolean privateNetwork, boolean keepPrivileges) {}

    private SandboxLauncher() {}

    /** The argv that runs {@code command} (its executable already resolved) in the cgroup. */
    static List<String> argv(Path cgroupProcs, Options options, String executable, List<String> command) {
        return argv(List.of(executable().toString(), "--procs", cgroupProcs.toString()), options, executable, command);
    }

    /**
     * The argv that runs {@code command} in the cgroup the agent moves it into: it stops first
     * (nf-sandbox --agent). Root's copy is the shared one in the runtime directory, a user's a
     * private one.
     */
    static List<String> argvForAgent(Options options, String executable, List<String> command) throws IOException {
        Path launcher = Preflight.isRoot() ? executable() : privateCopy();
        return argv(List.of(launcher.toString(), "--agent"), options, executable, command);
    }

    private static List<String> argv(List<String> launcher, Options options, String executable, List<String> command) {
        List<String> argv = new ArrayList<>(launcher);
        argv.addAll(launchOptions(options));
        argv.add("--");
        argv.add(executable);
        argv.addAll(command);
        return argv;
    }

    /** nf-sandbox's options for how COMMAND runs. */
    static List<String> launchOptions(Options options) {
        List<String> launch = new ArrayList<>();
        if (options.user() != null) {
            launch.addAll(List.of("--user", options.user()));
        }
        if (options.privateNetwork()) {
            launch.add("--netns");
        }
        if (options.keepPrivileges()) {
            launch.add("--keep-privileges");
        }
        return launch;
    }

    /**
     * For a user without root: a private copy of nf-sandbox (it needs no privilege in --agent
     * mode), deleted when this JVM exits.
     */
    private static Path privateCopy() throws IOException {
        Path file = Files.createTempFile("nf-sandbox-", "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        file.toFile().deleteOnExit();
        Files.write(file, binary());
        return file;
    }

    private static Path executable() {
        try {
            byte[] binary = binary();
            Path directory = KernelDatapath.DEFAULT_RUNTIME_DIRECTORY;
            Path file = directory.resolve(fileName(binary));
            if (!Files.isExecutable(file)) {
                Files.createDirectories(directory);
                Path temporary = Files.createTempFile(directory, ".nf-sandbox", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.write(temporary, binary);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install nf-sandbox: " + e.getMessage(), e);
        }
    }

    static byte[] binary() throws IOException {
        try (InputStream in = SandboxLauncher.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("nf-sandbox is missing from the jar: rebuild netfence");
            }
            return in.readAllBytes();
        }
    }

    /** The name it is installed under, which carries its digest. */
    static String fileName(byte[] binary) {
        try {
            return "nf-sandbox-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(binary), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
