package io.netfence.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Makes what the CLI starts faster with, for one jar and one JDK, in the directory given (dist/startup-cache runs
 * it at build and at install time, under {@code -XX:ArchiveClassesAtExit}; docs/benchmarks.md, "Start-up"):
 *
 * <ul>
 *   <li>the class-data sharing archive, trained by {@link ArchiveTraining} and by starting JNA;
 *   <li>JNA's native library from the jar, which the launchers point {@code jna.boot.library.path} at. Without it JNA
 *       writes the library to a temporary file and deletes it again at every start of a command that loads
 *       libbpf; a copy from another JNA version would be refused, so it is made only beside its jar's archive.
 * </ul>
 */
public final class StartupCache {
    private StartupCache() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: StartupCache DIRECTORY");
        }
        Path directory = Path.of(args[0]);
        writeJnaLibrary(directory);
        Path scratch = Files.createTempDirectory("netfence-training-");
        try {
            ArchiveTraining.train(scratch);
            startJna(directory, scratch);
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
        System.out.println("netfence: trained on " + ArchiveTraining.loadClasses() + " classes");
    }

    /**
     * JNA as the commands that load libbpf start it, short of libbpf: its native library from this cache, and a
     * function of libc's bound by direct mapping, as LibBpf binds libbpf's (PosixSignals: kill(2), not called).
     * Loads no library but JNA's and libc, which every JVM has loaded already; reaches no kernel state.
     */
    private static void startJna(Path directory, Path scratch) throws ClassNotFoundException {
        System.setProperty("jna.boot.library.path", directory.toString());
        System.setProperty("jna.tmpdir", scratch.toString());   // where JNA looks for leftovers of its own
        Class.forName(PosixSignals.class.getName(), true, StartupCache.class.getClassLoader());
    }

    /** The library as JNA would extract it (its Native.loadNativeDispatchLibraryFromClasspath), written whole or not at all. */
    static void writeJnaLibrary(Path directory) throws IOException {
        String name = System.mapLibraryName("jnidispatch");
        String resource = "/com/sun/jna/" + com.sun.jna.Platform.RESOURCE_PREFIX + "/" + name;
        try (InputStream in = StartupCache.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar: JNA has no library for this platform");
            }
            Path temporary = Files.createTempFile(directory, name, ".tmp");
            Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
