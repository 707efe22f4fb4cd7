package io.netfence.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class StopDeadlineTest {
    @Test
    void haltsOnceAfterTheGraceHowEverOftenItIsArmed() throws InterruptedException {
        List<Integer> halts = new CopyOnWriteArrayList<>();
        StopDeadline deadline = new StopDeadline(Duration.ofMillis(100), halts::add);
        long start = System.nanoTime();
        deadline.arm();
        deadline.arm();
        for (int i = 0; i < 200 && halts.isEmpty(); i++) {
            Thread.sleep(10);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Thread.sleep(200);
        assertEquals(List.of(ExitCodes.OK), halts);
        assertTrue(millis >= 100 && millis < 1500, millis + " ms");
    }

    @Test
    void nothingHappensUntilArmed() throws InterruptedException {
        List<Integer> halts = new CopyOnWriteArrayList<>();
        new StopDeadline(Duration.ofMillis(10), halts::add);
        Thread.sleep(100);
        assertEquals(List.of(), halts);
    }

    @Test
    void theAgentsGraceIsASecondOrTwo() {
        assertTrue(StopDeadline.GRACE.compareTo(Duration.ofSeconds(2)) <= 0, StopDeadline.GRACE.toString());
    }
}
