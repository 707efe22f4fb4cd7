package io.netfence.agent.api;

import java.util.List;
import java.util.function.Consumer;

/** The denial events the API serves. Neither method may block: both run on the event loop. */
public interface EventSource {
    List<DenialRecord> recent();

    /** Returns what unsubscribes. The consumer is called on the event thread and must not block. */
    Runnable subscribe(Consumer<DenialRecord> consumer);
}
