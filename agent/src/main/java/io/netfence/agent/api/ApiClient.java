package io.netfence.agent.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CLI's side of the control API: plain HTTP/1.1 over the unix socket with the JDK's own
 * channels (no Netty start-up in a short-lived CLI).
 */
public final class ApiClient {
    private final Path socket;

    public ApiClient(Path socket) {
        this.socket = socket;
    }

    public record Reply(int status, String body) {}

    /** Thrown when no agent answers on the socket. */
    public static final class NoAgentException extends IOException {
        private static final long serialVersionUID = 1L;

        NoAgentException(String message) {
            super(message);
        }
    }

    public Reply get(String path) throws IOException {
        return send("GET", path, null, null);
    }

    public Reply delete(String path) throws IOException {
        return send("DELETE", path, null, null);
    }

    public Reply post(String path, String source, String body) throws IOException {
        return send("POST", path, source, body);
    }

    /** GETs a streaming endpoint and hands each body line over until the agent closes it. */
    public void stream(String path, java.util.function.Consumer<String> line) throws IOException {
        try (SocketChannel channel = connect()) {
            channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: netfence\r\n\r\n").getBytes(StandardCharsets.UTF_8)));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            String status = in.readLine();
            if (status == null || !status.startsWith("HTTP/1.1 200")) {
                throw new IOException("the agent answered " + status);
            }
            for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                // headers: nothing to act on
            }
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                if (!l.isBlank()) {
                    line.accept(l);
                }
            }
        }
    }

    public static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private SocketChannel connect() throws IOException {
        if (!Files.exists(socket)) {
            throw new NoAgentException("no netfence agent is running (no socket at " + socket + "; start it with 'netfence agent')");
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new NoAgentException("no netfence agent is running (" + socket + ": " + e.getMessage() + ")");
        }
    }

    private Reply send(String method, String path, String source, String body) throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        try (SocketChannel channel = connect()) {
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: netfence\r\nConnection: close\r\n");
            if (source != null) {
                head.append("X-Netfence-Source: ").append(source.replaceAll("[\r\n]", " ")).append("\r\n");
            }
            head.append("Content-Length: ").append(content.length).append("\r\n\r\n");
            channel.write(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.UTF_8)));
            channel.write(ByteBuffer.wrap(content));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Channels.newInputStream(channel).transferTo(out);
            return parse(out.toString(StandardCharsets.UTF_8));
        }
    }

    private static Reply parse(String response) throws IOException {
        int end = response.indexOf("\r\n\r\n");
        if (!response.startsWith("HTTP/1.1 ") || end < 0) {
            throw new IOException("the agent sent a malformed response");
        }
        return new Reply(Integer.parseInt(response.substring(9, 12)), response.substring(end + 4));
    }
}
