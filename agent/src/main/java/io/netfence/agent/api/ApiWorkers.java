package io.netfence.agent.api;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run the API's slow work (parsing, checking and applying policies, reading the
 * agent's status), so the event loop only decodes and answers. Bounded in threads and queue: past
 * {@value #QUEUE} waiting requests a client is told the agent is busy.
 */
final class ApiWorkers implements AutoCloseable {
    static final int THREADS = 2;
    static final int QUEUE = 16;
    private final ThreadPoolExecutor executor;

    ApiWorkers() {
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "netfence-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** @return false when the queue is full */
    boolean offer(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
