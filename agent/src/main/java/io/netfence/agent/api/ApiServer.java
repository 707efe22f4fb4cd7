package io.netfence.agent.api;

import io.netfence.agent.http.HttpLimits;
import io.netfence.agent.http.HttpServer;
import io.netfence.agent.http.Replies;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The control API on a unix socket, root only: the socket is created in a private directory,
 * made 0600 and only then moved into place, and each connection's peer must be uid 0. It is
 * never reachable over TCP. Its limits are {@link #LIMITS} (README, "Control API").
 */
public final class ApiServer implements AutoCloseable {
    /**
     * 4 MiB bodies (as much as one policy file, PolicyLimits.MAX_FILE_BYTES; larger prefix lists: attach --rules-file),
     * 30 s per request, 16 connections: at most 64 MiB of bodies in flight.
     */
    public static final HttpLimits LIMITS = new HttpLimits(4 * 1024 * 1024, Duration.ofSeconds(30), 16);
    private static final int ROOT = 0;
    private final HttpServer server;
    private final ApiWorkers workers;
    private final Path socket;

    private ApiServer(HttpServer server, ApiWorkers workers, Path socket) {
        this.server = server;
        this.workers = workers;
        this.socket = socket;
    }

    public static ApiServer start(Path socket, ApiRoutes routes) throws IOException {
        return start(socket, routes, LIMITS, ROOT);
    }

    /** @param peerUid the only uid whose connections are served (root but in tests) */
    public static ApiServer start(Path socket, ApiRoutes routes, HttpLimits limits, int peerUid) throws IOException {
        Predicate<Channel> peerAllowed = channel -> peerUid(channel) == peerUid;
        return start(socket, limits, "rw-------", workers -> new ApiHandler(routes, workers, peerAllowed));
    }

    /**
     * The run socket: open to every user (0666); who may start a run is the routes' decision,
     * made on the peer's credentials.
     */
    public static ApiServer startForRuns(Path socket, RunRoutes routes) throws IOException {
        return start(socket, RUN_LIMITS, "rw-rw-rw-", workers -> new RunHandler(routes, workers));
    }

    /** A run request is a few rules: 64 KiB, 10 s, 64 connections. */
    public static final HttpLimits RUN_LIMITS = new HttpLimits(64 * 1024, Duration.ofSeconds(10), 64);

    private static ApiServer start(Path socket, HttpLimits limits, String mode,
                                   java.util.function.Function<ApiWorkers, io.netty.channel.ChannelHandler> handler)
            throws IOException {
        Files.createDirectories(socket.getParent());
        Path privateDir = Files.createTempDirectory(socket.getParent(), ".api-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path staging = privateDir.resolve("sock");
        ApiWorkers workers = new ApiWorkers();
        HttpServer server = null;
        try {
            server = HttpServer.start(HttpServer.Transport.UNIX, new DomainSocketAddress(staging.toFile()), limits,
                    ApiServer::error, () -> handler.apply(workers));
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString(mode));
            Files.move(staging, socket, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(privateDir);
            return new ApiServer(server, workers, socket);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            workers.close();
            Files.deleteIfExists(staging);
            Files.deleteIfExists(privateDir);
            throw e;
        }
    }

    private static int peerUid(Channel channel) {
        try {
            return ((EpollDomainSocketChannel) channel).peerCredentials().uid();
        } catch (IOException | ClassCastException e) {
            return -1;
        }
    }

    private static io.netty.handler.codec.http.FullHttpResponse error(HttpResponseStatus status, String message) {
        byte[] body = (ApiJson.write(ApiResponse.error(status.code(), message).body()) + "\n").getBytes(StandardCharsets.UTF_8);
        return Replies.of(status, "application/json", body);
    }

    @Override
    public void close() throws IOException {
        server.close();
        workers.close();
        Files.deleteIfExists(socket);
    }
}
