package io.netfence.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MapBatchesTest {
    @Test
    void aLoneBatchRunsOnTheCallersThread() throws IOException {
        List<String> threads = new CopyOnWriteArrayList<>();
        try (MapBatches batches = new MapBatches("nf_test")) {
            batches.submit(() -> threads.add(Thread.currentThread().getName()));
            batches.finish();
        }
        assertEquals(List.of(Thread.currentThread().getName()), threads);
    }

    @Test
    void everyBatchRunsAndAtMostTwoAtOnce() throws IOException {
        AtomicInteger done = new AtomicInteger();
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (MapBatches batches = new MapBatches("nf_test")) {
            for (int i = 0; i < 20; i++) {
                batches.submit(() -> {
                    most.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
                    sleep(5);
                    atOnce.decrementAndGet();
                    done.incrementAndGet();
                });
            }
            batches.finish();
        }
        assertEquals(20, done.get());
        assertTrue(most.get() <= 2, "at most two batches at once, not " + most.get());
    }

    @Test
    void aFailureIsThrownOnlyOnceNoBatchRunsAnyMore() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger runningWhenThrown = new AtomicInteger(-1);
        IOException thrown = assertThrows(IOException.class, () -> {
            try (MapBatches batches = new MapBatches("nf_test")) {
                batches.submit(() -> {
                    throw new IOException("map full");
                });
                batches.submit(() -> {
                    running.incrementAndGet();
                    sleep(200); // still writing when the first one fails
                    running.decrementAndGet();
                });
                batches.submit(() -> { });
                batches.finish();
            } finally {
                runningWhenThrown.set(running.get());
            }
        });
        assertEquals("map full", thrown.getMessage());
        assertEquals(0, runningWhenThrown.get(), "the slow batch ended before the failure reached the caller");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
