package io.netfence.agent.daemon.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.api.ApiJson;
import io.netfence.agent.api.DenialRecord;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.Event;
import io.netfence.agent.datapath.abi.Flow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where events go: subscribers, the bounded recent list, the events file and the top destinations. */
class EventHubTest {
    @TempDir
    Path dir;

    static DenialEvent event(int port, int pid) {
        Flow flow = new Flow(new byte[] {127, 0, 0, 2}, port, Abi.FAMILY_IPV4, 6, 0);
        Event raw = new Event(1, 42, pid, 1, 2, false, 0, pid == 0 ? "" : "curl", flow);
        return new DenialEvent(Instant.parse("2026-11-23T12:00:01Z"), raw, "/test/web", null, "web");
    }

    @Test
    void anEventReachesSubscribersTheRecentListTheFileAndTheTop() throws IOException {
        Path file = dir.resolve("log/events.jsonl");
        List<DenialRecord> seen = new ArrayList<>();
        try (EventHub hub = new EventHub(file)) {
            hub.subscribe(e -> seen.add(e.record()));
            hub.publish(event(1, 412));
            hub.flush();
            assertEquals(1, seen.size());
            assertEquals(1, hub.recent().size());
            assertEquals(3, hub.top().top(1).get(0).denials(), "the event and the 2 suppressed before it");
        }
        String line = Files.readString(file).strip();
        DenialRecord stored = ApiJson.read(line, DenialRecord.class);
        assertEquals(seen.get(0), stored);
        assertEquals("127.0.0.2:1/tcp", stored.destination());
        assertEquals(412, stored.pid());
        assertTrue(line.contains("\"suppressed_before\":2"), line);
    }

    @Test
    void anEventWithoutAProcessHasNullPidAndComm() {
        DenialRecord record = event(1, 0).record();
        assertNull(record.pid());
        assertNull(record.comm());
    }

    @Test
    void recentKeepsTheLastThousand() throws IOException {
        try (EventHub hub = new EventHub(null)) {
            for (int i = 1; i <= EventHub.RECENT + 5; i++) {
                hub.publish(event(i, 1));
            }
            assertEquals(EventHub.RECENT, hub.recent().size());
            assertEquals(6, hub.recent().get(0).raw().flow().port());
            assertEquals(EventHub.RECENT + 5, hub.received());
        }
    }
}
