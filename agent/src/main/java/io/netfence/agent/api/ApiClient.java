package io.netfence.agent.api;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The CLI's side of the control API: plain HTTP/1.1 over the unix socket with the JDK's own
 * channels (no Netty start-up in a short-lived CLI). Every exchange, from connect to the last
 * byte of the answer, is bounded by the timeout; an event stream only until its head arrives.
 */
public final class ApiClient {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private final Path socket;
    private final Duration timeout;

    public ApiClient(Path socket) {
        this(socket, DEFAULT_TIMEOUT);
    }

    public ApiClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    public record Reply(int status, String body) {}

    /** The agent cannot be reached: none runs, its socket needs root, or it did not answer in time. */
    public static final class AgentUnreachableException extends IOException {
        private static final long serialVersionUID = 1L;

        AgentUnreachableException(String message) {
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
    public void stream(String path, Consumer<String> line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            BufferedReader in;
            try (Watchdog watchdog = new Watchdog(channel, timeout)) {
                connect(channel, watchdog);
                writeFully(channel, ("GET " + path + " HTTP/1.1\r\nHost: netfence\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
                try {
                    String status = in.readLine();
                    if (status == null || !status.startsWith("HTTP/1.1 200")) {
                        throw new IOException("the agent answered " + status);
                    }
                    for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                        // headers: nothing to act on
                    }
                } catch (IOException e) {
                    throw watchdog.fired() ? noAnswer() : e;
                }
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

    private Reply send(String method, String path, String source, String body) throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: netfence\r\nConnection: close\r\n");
        if (source != null) {
            head.append("X-Netfence-Source: ").append(source.replaceAll("[\r\n]", " ")).append("\r\n");
        }
        head.append("Content-Length: ").append(content.length).append("\r\n\r\n");
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX); Watchdog watchdog = new Watchdog(channel, timeout)) {
            connect(channel, watchdog);
            try {
                writeFully(channel, head.toString().getBytes(StandardCharsets.UTF_8));
                writeFully(channel, content);
            } catch (IOException e) {
                if (watchdog.fired()) {
                    throw noAnswer();
                }
                // the agent may have answered early (413) and closed: its answer is read next
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                Channels.newInputStream(channel).transferTo(out);
            } catch (IOException e) {
                if (watchdog.fired()) {
                    throw noAnswer();
                }
                if (out.size() == 0) {
                    throw e;
                }
            }
            return parse(out.toString(StandardCharsets.UTF_8));
        }
    }

    private void connect(SocketChannel channel, Watchdog watchdog) throws IOException {
        try {
            Files.readAttributes(socket, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new AgentUnreachableException("no netfence agent is running (no socket at " + socket
                    + "; start it with 'netfence agent')");
        } catch (AccessDeniedException e) {
            throw needsRoot();
        }
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            if (watchdog.fired()) {
                throw noAnswer();
            }
            String why = String.valueOf(e.getMessage());
            if (why.contains("Permission denied")) {
                throw needsRoot();
            }
            throw new AgentUnreachableException("no netfence agent is running (" + socket + ": " + why + ")");
        }
    }

    private static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private AgentUnreachableException needsRoot() {
        return new AgentUnreachableException("the agent's socket " + socket + " needs root (permission denied)");
    }

    private AgentUnreachableException noAnswer() {
        return new AgentUnreachableException("the agent on " + socket + " did not answer within " + (timeout.toMillis() / 1000.0) + " s");
    }

    private static Reply parse(String response) throws IOException {
        int end = response.indexOf("\r\n\r\n");
        if (!response.startsWith("HTTP/1.1 ") || end < 0) {
            throw new IOException("the agent sent a malformed response");
        }
        return new Reply(Integer.parseInt(response.substring(9, 12)), response.substring(end + 4));
    }
}
