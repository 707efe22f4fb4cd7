package io.netfence.agent.names;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The UDP sockets the proxy's answers leave from. A connected client takes datagrams only from the
 * address it sent to, 127.I.I.I:port, but the proxy's own socket is bound to 0.0.0.0:port and would
 * send from 127.0.0.1 (Java cannot pick the source per datagram, as IP_PKTINFO does in C). So each
 * steered address gets a socket bound to it, beside the wildcard one (SO_REUSEADDR). While it is
 * open the kernel delivers what arrives at that address to it, not to the wildcard socket: the
 * next query of a client that keeps its connected socket (glibc does). So these sockets read too,
 * through the proxy's handler, and stay open while in use: one idle for {@code idle} is closed,
 * and beyond {@code capacity} the one used longest ago. (A socket opened and closed per answer
 * lost such a query whenever it came before the close: the client then waited out its timeout.)
 */
final class ReplySockets implements AutoCloseable {
    static final int CAPACITY = 1024;
    static final Duration IDLE = Duration.ofSeconds(30);

    private static final class Open {
        final Channel channel;
        long lastUsedNanos;

        Open(Channel channel, long lastUsedNanos) {
            this.channel = channel;
            this.lastUsedNanos = lastUsedNanos;
        }
    }

    private final Bootstrap bootstrap;
    private final int capacity;
    private final long idleNanos;
    private final LinkedHashMap<InetSocketAddress, Open> open = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    /** @param bootstrap binds a datagram socket that reads queries like the proxy's own (SO_REUSEADDR set) */
    ReplySockets(Bootstrap bootstrap, int capacity, Duration idle) {
        this.bootstrap = bootstrap;
        this.capacity = capacity;
        this.idleNanos = idle.toNanos();
    }

    /** Sends {@code reply} to {@code client} from {@code source}, binding a socket to it if none is open. */
    void send(InetSocketAddress source, InetSocketAddress client, byte[] reply) throws IOException {
        socketAt(source).writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(reply), client));
    }

    private synchronized Channel socketAt(InetSocketAddress source) throws IOException {
        if (closed) {
            throw new IOException("the DNS proxy is closed");
        }
        long now = System.nanoTime();
        Open socket = open.get(source);
        if (socket != null && socket.channel.isActive()) {
            socket.lastUsedNanos = now;
            return socket.channel;
        }
        Channel channel;
        try {
            channel = bootstrap.bind(source).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + source, e);
        } catch (Exception e) { // Netty rethrows the bind's IOException undeclared
            throw new IOException("cannot bind " + source + " to answer from it: " + e.getMessage(), e);
        }
        open.put(source, new Open(channel, now));
        Iterator<Open> oldest = open.values().iterator();
        while (open.size() > capacity) {
            oldest.next().channel.close();
            oldest.remove();
        }
        return channel;
    }

    /**
     * Closes the sockets not used for the idle time, as read at {@code nowNanos}. Never on the
     * event loop: {@link #send} holds this object while the event loop binds a socket.
     */
    synchronized void closeIdle(long nowNanos) {
        for (Iterator<Map.Entry<InetSocketAddress, Open>> i = open.entrySet().iterator(); i.hasNext(); ) {
            Open socket = i.next().getValue();
            if (nowNanos - socket.lastUsedNanos >= idleNanos) {
                socket.channel.close();
                i.remove();
            }
        }
    }

    synchronized int size() {
        return open.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        open.values().forEach(s -> s.channel.close());
        open.clear();
    }
}
