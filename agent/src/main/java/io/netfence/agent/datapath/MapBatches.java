package io.netfence.agent.datapath;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a map's batch system calls, two at once beside the thread that encodes the next: the
 * kernel inserts into and deletes from a hash or trie under per-bucket or per-map locks, and a
 * million hosts took 0.8 s of inserts on one core. At most two batches run and one is encoded at
 * a time, so memory stays that of three batches. A lone batch runs on the caller's thread. When a
 * batch fails, the failure is thrown once every batch started has ended: none is still writing
 * under a ruleset the caller then deletes.
 */
final class MapBatches implements AutoCloseable {
    /** One batch's system call. */
    interface Batch {
        void run() throws IOException;
    }

    private static final int THREADS = 2;
    private static final long END_WAIT_SECONDS = 600;
    private final String map;
    private final ArrayDeque<Future<?>> running = new ArrayDeque<>();
    private ExecutorService threads;
    private Batch held;

    MapBatches(String map) {
        this.map = map;
    }

    void submit(Batch batch) throws IOException {
        if (threads == null && held == null) {
            held = batch; // if it stays the only one, it runs on this thread
            return;
        }
        if (threads == null) {
            threads = Executors.newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, "netfence-map-batch");
                t.setDaemon(true);
                return t;
            });
            start(held);
            held = null;
        }
        start(batch);
    }

    /** Runs what is left and waits for every batch. */
    void finish() throws IOException {
        if (held != null) {
            Batch lone = held;
            held = null;
            lone.run();
        }
        while (!running.isEmpty()) {
            awaitOldest();
        }
    }

    private void start(Batch batch) throws IOException {
        running.add(threads.submit(() -> {
            batch.run();
            return null;
        }));
        while (running.size() > THREADS) {
            awaitOldest();
        }
    }

    private void awaitOldest() throws IOException {
        try {
            running.removeFirst().get();
        } catch (ExecutionException e) {
            close();
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new InterruptedIOException("interrupted while writing " + map);
        }
    }

    /** Waits until no batch runs any more. */
    @Override
    public void close() {
        if (threads == null) {
            return;
        }
        threads.shutdown();
        try {
            threads.awaitTermination(END_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.clear();
    }
}
