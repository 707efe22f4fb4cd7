package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.agent.api.ApiBody.FlowHistoryView;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The flow history as {@code netfence status} says it. */
class StatusCommandTest {
    @Test
    void onSaysTheAgeTheLastSweepAndTheMapsCost() {
        assertEquals("on, max age 1h; 1234 flows at the last sweep (2026-11-30T09:00:00Z), 7 expired; the flow map holds 65536 "
                + "flows in 8.5 MiB of kernel memory", StatusCommand.describe(new FlowHistoryView(true, 3600, 65536, 65536, 8_912_896,
                1234, Instant.parse("2026-11-30T09:00:00.250Z"), 7)));
    }

    @Test
    void offSaysHowToTurnItOnAndAPinnedCapacityIsExplained() {
        assertEquals("off (" + FlowHistoryHint.TEXT + "); the flow map holds 65536 flows in 8.5 MiB of kernel memory (max_flows "
                + "asks for 200000; a pinned map keeps its capacity until netfence's maps are created again)",
                StatusCommand.describe(new FlowHistoryView(false, 3600, 200000, 65536, 8_912_896, null, null, 0)));
    }
}
