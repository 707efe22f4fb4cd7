package io.netfence.agent.cgroup;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reports cgroups as they are created and removed, through inotify on every cgroup directory
 * (cgroupfs supports it). An overflow asks for a full rescan, which the agent also runs
 * periodically as a safety net.
 */
public final class CgroupWatcher implements AutoCloseable {
    private final CgroupTree tree;
    private final WatchService watcher;
    private final Map<WatchKey, Path> directories = new HashMap<>();
    private final Thread thread;

    public interface Listener {
        void appeared(String path);

        void vanished(String path);

        void rescan();
    }

    public CgroupWatcher(CgroupTree tree, Listener listener) throws IOException {
        this.tree = tree;
        this.watcher = FileSystems.getDefault().newWatchService();
        register(tree.mount(), p -> { });
        thread = new Thread(() -> loop(listener), "netfence-cgroup-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches a directory and every cgroup below it, telling {@code found} of each one below. */
    private void register(Path top, Consumer<String> found) {
        watch(top);
        for (String path : tree.below(top)) {
            Path directory = tree.directory(path);
            if (!directory.equals(top)) {
                watch(directory);
                found.accept(path);
            }
        }
    }

    private void watch(Path directory) {
        try {
            synchronized (directories) {
                directories.put(directory.register(watcher, ENTRY_CREATE, ENTRY_DELETE), directory);
            }
        } catch (IOException e) {
            // removed before we could watch it
        }
    }

    private void loop(Listener listener) {
        while (true) {
            WatchKey key;
            try {
                key = watcher.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Path parent;
            synchronized (directories) {
                parent = directories.get(key);
            }
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == OVERFLOW || parent == null) {
                    listener.rescan();
                    continue;
                }
                Path child = parent.resolve((Path) event.context());
                if (event.kind() == ENTRY_CREATE && Files.isDirectory(child)) {
                    // anything created below it before the watch was in place is reported too
                    register(child, listener::appeared);
                    listener.appeared(tree.relative(child));
                } else if (event.kind() == ENTRY_DELETE) {
                    listener.vanished(tree.relative(child));
                }
            }
            if (!key.reset()) {
                synchronized (directories) {
                    directories.remove(key);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
