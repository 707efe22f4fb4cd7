package io.netfence.agent.api;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * Closes a blocking channel when time is up, which ends any connect, write or read blocked on
 * it: the JDK's unix-socket channels have no timeouts of their own.
 */
final class Watchdog implements AutoCloseable {
    private final Thread thread;
    private volatile boolean fired;

    Watchdog(Closeable target, Duration after) {
        thread = new Thread(() -> {
            try {
                Thread.sleep(after.toMillis());
                fired = true;
                target.close();
            } catch (InterruptedException | IOException e) {
                // cancelled, or already closed
            }
        }, "netfence-api-timeout");
        thread.setDaemon(true);
        thread.start();
    }

    boolean fired() {
        return fired;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
