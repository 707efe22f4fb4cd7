package io.netfence.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a waiting caller reads from the pins alone, on a directory laid out as bpffs would be. */
class PinProgressTest {
    @TempDir
    Path bpffs;

    @Test
    void followsTheAgentsOrderFromNothingPinnedToEveryPacketHookLinked() throws Exception {
        PinLayout pins = PinLayout.under(bpffs);
        assertEquals(PinProgress.NO_PROGRAMS, PinProgress.of(pins, 42));
        Files.createDirectories(pins.programs());
        assertEquals(PinProgress.NOT_ATTACHED, PinProgress.of(pins, 42));
        Files.createDirectories(pins.cgroup(42));
        Files.createFile(pins.link(42, Hook.SOCK_CREATE));
        Files.createFile(pins.link(42, Hook.SKB_EGRESS));
        assertEquals(PinProgress.ATTACHING, PinProgress.of(pins, 42));
        Files.createFile(pins.link(42, Hook.SKB_INGRESS));
        assertEquals(PinProgress.LINKED, PinProgress.of(pins, 42));
        assertEquals(PinProgress.NOT_ATTACHED, PinProgress.of(pins, 43), "another cgroup's links say nothing of this one");
    }

    @Test
    void theReasonNamesWhereThePinsWereLookedFor() {
        PinLayout pins = PinLayout.under(bpffs);
        assertTrue(PinProgress.NO_PROGRAMS.reason(pins).contains(pins.root().toString()), PinProgress.NO_PROGRAMS.reason(pins));
    }
}
