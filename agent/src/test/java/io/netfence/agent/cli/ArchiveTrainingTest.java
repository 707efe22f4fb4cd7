package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class-data sharing archive is trained on the paths people take, not on errors, and quietly. */
class ArchiveTrainingTest extends CapturedConsole {
    @Test
    void everyTrainingCommandEndsAsPeopleWouldSeeIt(@TempDir Path directory) throws Exception {
        PrintStream out = System.out;
        ArchiveTraining.train(directory);   // throws, naming the command, when one ends otherwise
        assertSame(out, System.out);
        assertEquals("", stdout());
        assertEquals("", stderr());
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(2, files.count(), "the policy file and the rules file it checked, nothing else");
        }
    }
}
