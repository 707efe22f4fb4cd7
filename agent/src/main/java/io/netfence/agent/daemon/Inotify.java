package io.netfence.agent.daemon;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux inotify, for the one thing Java's WatchService cannot tell: that a writer has closed a
 * file ({@code IN_CLOSE_WRITE}), i.e. that a complete new version is there.
 */
final class Inotify implements AutoCloseable {
    static final int IN_MODIFY = 0x2;
    static final int IN_CLOSE_WRITE = 0x8;
    static final int IN_MOVED_FROM = 0x40;
    static final int IN_MOVED_TO = 0x80;
    static final int IN_CREATE = 0x100;
    static final int IN_DELETE = 0x200;
    static final int IN_Q_OVERFLOW = 0x4000;
    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;
    private static final short POLLIN = 1;
    private static final int EVENT_HEADER_BYTES = 16;

    static {
        Native.register(Inotify.class, NativeLibrary.getInstance("c"));
    }

    private final int fd;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).order(ByteOrder.nativeOrder());

    /** One event: {@code name} is the file within the watched directory, empty for the queue overflow. */
    record Event(int mask, String name) {}

    Inotify() throws IOException {
        try {
            fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("inotify_init1: " + e.getMessage(), e);
        }
    }

    void watch(Path directory, int mask) throws IOException {
        try {
            inotify_add_watch(fd, directory.toString(), mask);
        } catch (LastErrorException e) {
            throw new IOException("inotify_add_watch " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The events that arrive within {@code timeoutMillis} (none when the time passes quietly). */
    List<Event> poll(int timeoutMillis) throws IOException {
        byte[] pollfd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(fd).putShort(POLLIN).array();
        List<Event> events = new ArrayList<>();
        try {
            if (poll(pollfd, 1, timeoutMillis) <= 0) {
                return events;
            }
            long n = read(fd, buffer.array(), buffer.capacity());
            for (int at = 0; at + EVENT_HEADER_BYTES <= n; ) {
                int mask = buffer.getInt(at + 4);
                int nameLength = buffer.getInt(at + 12);
                int end = at + EVENT_HEADER_BYTES;
                while (end < at + EVENT_HEADER_BYTES + nameLength && buffer.get(end) != 0) {
                    end++;
                }
                String name = new String(buffer.array(), at + EVENT_HEADER_BYTES, end - at - EVENT_HEADER_BYTES, StandardCharsets.UTF_8);
                events.add(new Event(mask, name));
                at += EVENT_HEADER_BYTES + nameLength;
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() != 4 && e.getErrorCode() != 11) { // EINTR, EAGAIN: nothing to read now
                throw new IOException("inotify: " + e.getMessage(), e);
            }
        }
        return events;
    }

    @Override
    public void close() {
        close(fd);
    }

    private static native int inotify_init1(int flags) throws LastErrorException;

    private static native int inotify_add_watch(int fd, String path, int mask) throws LastErrorException;

    private static native int poll(byte[] fds, long count, int timeoutMillis) throws LastErrorException;

    private static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

    private static native int close(int fd);
}
