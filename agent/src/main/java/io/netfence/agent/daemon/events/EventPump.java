package io.netfence.agent.daemon.events;

import io.netfence.agent.datapath.abi.Event;
import io.netfence.loader.RingBufferReader;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The one reader of the events ring: drains it in batches and sleeps briefly when it is empty
 * (the programs submit without wakeups, so a flood costs them nothing extra), longer the longer
 * it stays empty: a quiet agent wakes 20 times a second, not 500, and a flood that starts while
 * it sleeps is read before it fills the ring (4 MiB hold some 50,000 events; one process's
 * flood of denied connects makes about 300,000 a second, 15,000 in a 50 ms sleep). Names are
 * resolved through {@code names}, which caches.
 */
public final class EventPump implements AutoCloseable {
    private static final long BUSY_SLEEP_MILLIS = 2;
    private static final long IDLE_SLEEP_MILLIS = 50;
    private static final long CATCH_UP_MILLIS = 200;
    private final RingBufferReader ring;
    private final EventHub hub;
    private final Function<Event, DenialEvent> names;
    private final Thread thread;
    private final long wallMinusMonotonicNanos;
    private volatile boolean running = true;

    public EventPump(RingBufferReader ring, EventHub hub, Function<Event, DenialEvent> names) {
        this.ring = ring;
        this.hub = hub;
        this.names = names;
        Instant now = Instant.now();
        this.wallMinusMonotonicNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        this.thread = new Thread(this::loop, "netfence-events");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** bpf_ktime_get_ns() and System.nanoTime() both read CLOCK_MONOTONIC on Linux. */
    public Instant wallClock(long monotonicNanos) {
        long wall = monotonicNanos + wallMinusMonotonicNanos;
        return Instant.ofEpochSecond(Math.floorDiv(wall, 1_000_000_000L), Math.floorMod(wall, 1_000_000_000L));
    }

    private void loop() {
        long sleep = BUSY_SLEEP_MILLIS;
        while (running && !Thread.currentThread().isInterrupted()) {
            int drained = ring.drain(record -> hub.publish(names.apply(Event.decode(record))));
            if (drained > 0) {
                hub.flush();
                sleep = BUSY_SLEEP_MILLIS;
            } else {
                LockSupport.parkNanos(sleep * 1_000_000L); // catchUp() wakes it early
                sleep = Math.min(2 * sleep, IDLE_SLEEP_MILLIS);
            }
        }
    }

    /**
     * Returns once every event submitted before the call is read and named (at most
     * {@code CATCH_UP_MILLIS}): a run's events must be named while its cgroup and attachment
     * record still exist, before the run is removed.
     */
    public void catchUp() {
        long deadline = System.nanoTime() + CATCH_UP_MILLIS * 1_000_000L;
        long target = ring.produced();
        while (ring.consumed() < target && System.nanoTime() < deadline && thread.isAlive()) {
            LockSupport.unpark(thread);
            LockSupport.parkNanos(200_000L);
        }
    }

    public long pendingBytes() {
        return ring.pending();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ring.close();
    }
}
