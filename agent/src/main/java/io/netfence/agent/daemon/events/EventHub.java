package io.netfence.agent.daemon.events;

import io.netfence.agent.api.ApiJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where enriched events go: live subscribers (the API's streams), the last {@link #RECENT}
 * events for a plain query, an optional JSON-lines file for log shippers, and the top-K.
 * Subscribers must not block: a slow one is dropped, never the pump.
 */
public final class EventHub implements AutoCloseable {
    static final int RECENT = 1000;
    private final ArrayDeque<DenialEvent> recent = new ArrayDeque<>();
    private final List<Consumer<DenialEvent>> subscribers = new CopyOnWriteArrayList<>();
    private final TopDestinations top = new TopDestinations();
    private final BufferedWriter file;
    private long received;

    public EventHub(Path eventsFile) throws IOException {
        if (eventsFile == null) {
            file = null;
        } else {
            Files.createDirectories(eventsFile.toAbsolutePath().getParent());
            file = Files.newBufferedWriter(eventsFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /** From the event pump, and from the DNS proxy's workers (refused lookups): one at a time. */
    public synchronized void publish(DenialEvent event) {
        synchronized (recent) {
            received++;
            recent.addLast(event);
            if (recent.size() > RECENT) {
                recent.removeFirst();
            }
        }
        top.add(event.destination(), event.policy(), 1L + event.raw().suppressed());
        for (Consumer<DenialEvent> subscriber : subscribers) {
            subscriber.accept(event);
        }
        if (file != null) {
            try {
                file.write(ApiJson.write(event.record()));
                file.newLine();
            } catch (IOException e) {
                // the file is a convenience; the metrics and the stream still have the event
            }
        }
    }

    /** Called after each batch, so the file is flushed once per batch, not per event. */
    synchronized void flush() {
        if (file != null) {
            try {
                file.flush();
            } catch (IOException e) {
                // as above
            }
        }
    }

    public Runnable subscribe(Consumer<DenialEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public List<DenialEvent> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    public long received() {
        synchronized (recent) {
            return received;
        }
    }

    public TopDestinations top() {
        return top;
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
