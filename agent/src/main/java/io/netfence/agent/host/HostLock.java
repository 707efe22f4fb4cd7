package io.netfence.agent.host;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Serialises changes to the pinned state between netfence processes on one host (several
 * {@code run}s, {@code attach}, the agent). Held only while maps and pins change.
 */
public final class HostLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private HostLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static HostLock acquire(Path runtimeDirectory) throws IOException {
        Files.createDirectories(runtimeDirectory);
        FileChannel channel = FileChannel.open(runtimeDirectory.resolve("netfence.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new HostLock(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
