package io.netfence.agent.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Sends exact bytes to a unix socket and reads what comes back until the server closes, within a bound. */
final class RawClient implements AutoCloseable {
    private final SocketChannel channel;

    RawClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
    }

    static String exchange(Path socket, String request) throws Exception {
        try (RawClient client = new RawClient(socket)) {
            client.send(request.getBytes(StandardCharsets.ISO_8859_1));
            return client.readAll(10);
        }
    }

    /** Writes what the server accepts; a server that answered and closed early ends the write quietly. */
    void send(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            // the server closed: its answer is read next
        }
    }

    String readAll(int seconds) throws Exception {
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
        }).get(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
