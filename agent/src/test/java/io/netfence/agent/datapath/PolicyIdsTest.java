package io.netfence.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy ids: what a restarted agent finds, and ids never passing from one policy to another. */
class PolicyIdsTest {
    @TempDir
    Path runtime;

    @Test
    void aRestartedAgentGivesEachPolicyTheIdItHad() throws Exception {
        PolicyIds first = PolicyIds.load(runtime);
        assertEquals(1, first.of("web"));
        assertEquals(2, first.of("db"));

        PolicyIds second = PolicyIds.load(runtime);
        assertEquals(2, second.of("db")); // asked first this time: still 2
        assertEquals(1, second.of("web"));
        assertEquals(3, second.of("cache"));
    }

    @Test
    void aRemovedPolicysIdIsNotGivenToAnother() throws Exception {
        PolicyIds ids = PolicyIds.load(runtime);
        ids.of("web");
        ids.of("learn-42");
        ids.keepOnly(Set.of("web"));

        PolicyIds restarted = PolicyIds.load(runtime);
        assertEquals(Map.of(1, "web"), restarted.names());
        assertEquals(3, restarted.of("learn-43"));
        assertEquals(3, restarted.highest());
    }
}
