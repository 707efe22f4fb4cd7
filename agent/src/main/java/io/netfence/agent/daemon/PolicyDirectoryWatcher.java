package io.netfence.agent.daemon;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Calls for a reload when files in the policy directories change, once they have been quiet
 * for a moment (an editor's save is several events).
 */
final class PolicyDirectoryWatcher implements AutoCloseable {
    private static final long QUIET_MILLIS = 200;
    private final WatchService watcher;
    private final Thread thread;

    PolicyDirectoryWatcher(List<Path> directories, Runnable reload) throws IOException {
        watcher = FileSystems.getDefault().newWatchService();
        for (Path directory : directories) {
            Files.createDirectories(directory);
            directory.register(watcher, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
        }
        thread = new Thread(() -> loop(reload), "netfence-policy-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Runnable reload) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                drain(key);
                for (WatchKey more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS); more != null;
                     more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) {
                    drain(more);
                }
                reload.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
