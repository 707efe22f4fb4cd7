package io.netfence.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's config file: flow_history, and how a bad value is named. */
class AgentConfigTest {
    @TempDir
    Path dir;

    private AgentConfig load(String text) throws Exception {
        Path file = dir.resolve("netfence.yaml");
        Files.writeString(file, text);
        return AgentConfig.load(file);
    }

    private List<String> errors(String text) {
        return assertThrows(PolicyFileException.class, () -> load(text)).errors();
    }

    @Test
    void flowHistoryIsOffByDefault() throws Exception {
        FlowHistory history = load("socket: netfence.sock\n").flowHistory();

        assertEquals(new FlowHistory(false, 65536, Duration.ofHours(1)), history);
    }

    @Test
    void flowHistoryTakesEveryKeyAndKeepsDefaultsForTheOthers() throws Exception {
        assertEquals(new FlowHistory(true, 200000, Duration.ofMinutes(90)),
                load("flow_history:\n  enabled: true\n  max_flows: 200000\n  max_age: 90m\n").flowHistory());
        assertEquals(new FlowHistory(true, 65536, Duration.ofHours(1)), load("flow_history: {enabled: true}\n").flowHistory());
    }

    @Test
    void badValuesNameFileLineAndColumnAndWhatIsExpected() {
        String file = dir.resolve("netfence.yaml").toString();

        assertEquals(List.of(file + ":2:12: 'enabled' is true or false, not 'yes'"),
                errors("flow_history:\n  enabled: yes\n"));
        assertEquals(List.of(file + ":3:14: 'max_flows' is a count from 1024 to 4194304, not '100'"),
                errors("flow_history:\n  enabled: true\n  max_flows: 100\n"));
        assertEquals(List.of(file + ":2:12: 'max_age': 'an hour' is not a duration (500ms, 30s, 10m, 1h, 7d)"),
                errors("flow_history:\n  max_age: an hour\n"));
        assertEquals(List.of(file + ":2:12: 'max_age' is from 1s to 30d, not '31d'"),
                errors("flow_history:\n  max_age: 31d\n"));
        assertEquals(List.of(file + ":2:3: unknown key 'max_entries' in 'flow_history' (expected enabled, max_flows, max_age)"),
                errors("flow_history:\n  max_entries: 10\n"));
    }

    @Test
    void durationsReadAndPrintInTheSameUnits() {
        assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
        assertEquals(Duration.ofDays(7), DurationText.parse("7d"));
        assertEquals("1h", DurationText.format(Duration.ofHours(1)));
        assertEquals("90m", DurationText.format(Duration.ofMinutes(90)));
        assertEquals("2d", DurationText.format(Duration.ofDays(2)));
        assertEquals("1500ms", DurationText.format(Duration.ofMillis(1500)));
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse("1 h"));
    }
}
