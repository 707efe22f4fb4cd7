package io.netfence.agent.daemon;

import io.netfence.agent.config.PolicyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Calls for a reload when a policy file has a complete new version: it was closed after writing,
 * renamed into place, or deleted. A file still open for writing (truncated and being rewritten
 * in place, as {@code echo >} and many editors do) holds the reload back until its writer closes
 * it, so a partial or empty version is never applied. An editor's save is several events: the
 * reload waits until the directories have been quiet for a moment.
 */
final class PolicyDirectoryWatcher implements AutoCloseable {
    private static final int QUIET_MILLIS = 200;
    /** With nothing pending the watch waits this long for an event: a quiet agent wakes for nothing else. */
    private static final int IDLE_MILLIS = 1000;
    private static final long WRITER_WARNING_MILLIS = 10_000;
    private static final int EVENTS = Inotify.IN_MODIFY | Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_FROM | Inotify.IN_MOVED_TO
            | Inotify.IN_CREATE | Inotify.IN_DELETE;

    private final Inotify inotify;
    private final Thread thread;
    private volatile boolean closed;

    PolicyDirectoryWatcher(List<Path> directories, Runnable reload) throws IOException {
        inotify = new Inotify();
        for (Path directory : directories) {
            Files.createDirectories(directory);
            inotify.watch(directory, EVENTS);
        }
        thread = new Thread(() -> loop(reload), "netfence-policy-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Runnable reload) {
        Set<String> beingWritten = new HashSet<>();
        boolean changed = false;
        long writingSince = 0;
        boolean warned = false;
        while (!closed) {
            List<Inotify.Event> events;
            try {
                events = inotify.poll(changed || !beingWritten.isEmpty() ? QUIET_MILLIS : IDLE_MILLIS);
            } catch (IOException e) {
                Log.error("policy directory watch stopped: " + e.getMessage() + " (SIGHUP still reloads)");
                return;
            }
            for (Inotify.Event event : events) {
                if ((event.mask() & Inotify.IN_Q_OVERFLOW) != 0) {
                    changed = true;
                } else if (PolicyFiles.isPolicyFileName(event.name())) {
                    changed = true;
                    if ((event.mask() & Inotify.IN_MODIFY) != 0) {
                        beingWritten.add(event.name());
                    }
                    if ((event.mask() & (Inotify.IN_CLOSE_WRITE | Inotify.IN_DELETE | Inotify.IN_MOVED_FROM)) != 0) {
                        beingWritten.remove(event.name());
                    }
                }
            }
            if (!beingWritten.isEmpty()) {
                long now = System.currentTimeMillis();
                writingSince = writingSince == 0 ? now : writingSince;
                if (!warned && now - writingSince > WRITER_WARNING_MILLIS) {
                    Log.info("policy reload waits for " + beingWritten + " to be closed by its writer");
                    warned = true;
                }
                continue;
            }
            writingSince = 0;
            warned = false;
            if (changed && events.isEmpty()) {
                changed = false;
                reload.run();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(IDLE_MILLIS + QUIET_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inotify.close();
    }
}
