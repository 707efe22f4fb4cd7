package io.netfence.agent.cli;

import io.netfence.agent.daemon.Log;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * Bounds a stop: once armed, halts the JVM if it is still running after the grace, whatever
 * holds it (a parse of a huge file, a kernel call, a stuck client). Halting is as safe as
 * SIGKILL, which leaves every policy pinned and in force.
 */
final class StopDeadline {
    static final Duration GRACE = Duration.ofSeconds(2);
    private final Duration grace;
    private final IntConsumer halt;
    private final AtomicBoolean armed = new AtomicBoolean();

    StopDeadline(Duration grace, IntConsumer halt) {
        this.grace = grace;
        this.halt = halt;
    }

    static StopDeadline halting() {
        return new StopDeadline(GRACE, code -> Runtime.getRuntime().halt(code));
    }

    /** Starts the countdown; later calls change nothing. */
    void arm() {
        if (!armed.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Log.error("Stopping took more than " + grace.toMillis() + " ms; halting. Every policy stays in force.");
            halt.accept(ExitCodes.OK);
        }, "netfence-stop-deadline");
        thread.setDaemon(true);
        thread.start();
    }
}
