package io.netfence.agent.api;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The denial events the API serves, each as its JSON fields. */
public interface EventSource {
    List<Map<String, Object>> recent();

    /** Returns what unsubscribes. The consumer is called on the event thread and must not block. */
    Runnable subscribe(Consumer<Map<String, Object>> consumer);
}
