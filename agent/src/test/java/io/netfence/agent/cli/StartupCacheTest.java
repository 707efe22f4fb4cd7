package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupCacheTest {
    /** The file jna.boot.library.path finds: JNA's own library for this platform, under the name JNA looks for. */
    @Test
    void jnasLibraryIsWrittenAsJnaWouldExtractIt(@TempDir Path directory) throws Exception {
        StartupCache.writeJnaLibrary(directory);
        StartupCache.writeJnaLibrary(directory);   // again, over the first: a rebuild
        try (Stream<Path> files = Files.list(directory);
             InputStream jna = com.sun.jna.Native.class.getResourceAsStream(
                     "/com/sun/jna/" + com.sun.jna.Platform.RESOURCE_PREFIX + "/libjnidispatch.so")) {
            assertEquals(java.util.List.of(directory.resolve("libjnidispatch.so")), files.toList());
            assertArrayEquals(jna.readAllBytes(), Files.readAllBytes(directory.resolve("libjnidispatch.so")));
        }
    }
}
