package io.netfence.vmtests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Exact bytes to the agent's unix socket, as a hostile or broken client would send them; every read is bounded. */
final class RawSocket implements AutoCloseable {
    private final SocketChannel channel;

    private RawSocket(SocketChannel channel) {
        this.channel = channel;
    }

    static RawSocket connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new RawSocket(channel);
    }

    /** Writes what the agent accepts; false once it has closed (after answering early, say). */
    boolean send(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    boolean send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** One chunk of a chunked body. */
    boolean sendChunk(byte[] bytes, int offset, int length) {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(length + 16);
        chunk.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        chunk.write(bytes, offset, length);
        chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return send(chunk.toByteArray());
    }

    /** Everything the agent sends until it closes; fails when that takes longer than {@code bound}. */
    String readAll(Duration bound) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            try {
                while (channel.read(buffer.clear()) > 0) {
                    out.write(buffer.array(), 0, buffer.position());
                }
            } catch (IOException e) {
                // reset after the answer: keep what came
            }
            return out.toString(StandardCharsets.UTF_8);
        }).get(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
