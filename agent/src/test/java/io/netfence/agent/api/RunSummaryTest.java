package io.netfence.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
    @Test
    void nothingDeniedSaysNothing() {
        assertEquals("", RunSummary.line(0, List.of(), false));
    }

    @Test
    void theFirstThreeDestinationsAreShown() {
        assertEquals("netfence: denied 1 time: a", RunSummary.line(1, List.of("a"), false));
        assertEquals("netfence: denied 5 times: a, b, c, ...", RunSummary.line(5, List.of("a", "b", "c", "d"), false));
        assertEquals("netfence: audit: would have denied 2 times: a, b", RunSummary.line(2, List.of("a", "b"), true));
    }
}
