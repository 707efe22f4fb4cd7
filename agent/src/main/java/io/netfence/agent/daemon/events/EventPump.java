package io.netfence.agent.daemon.events;

import io.netfence.agent.datapath.abi.Event;
import io.netfence.loader.RingBufferReader;
import java.time.Instant;
import java.util.function.Function;

/**
 * The one reader of the events ring: drains it in batches and sleeps briefly when it is empty
 * (the programs submit without wakeups, so a flood costs them nothing extra). Names are resolved
 * through {@code names}, which caches.
 */
public final class EventPump implements AutoCloseable {
    private static final long IDLE_SLEEP_MILLIS = 2;
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
        while (running) {
            int drained = ring.drain(record -> hub.publish(names.apply(Event.decode(record))));
            if (drained > 0) {
                hub.flush();
            } else {
                try {
                    Thread.sleep(IDLE_SLEEP_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
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
