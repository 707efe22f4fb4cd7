package io.netfence.agent.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The control API on a unix socket, root only: the socket is created in a private directory,
 * made 0600 and only then moved into place, and each connection's peer must be uid 0. It is
 * never reachable over TCP.
 */
public final class ApiServer implements AutoCloseable {
    private static final int MAX_BODY = 64 * 1024 * 1024;
    private final EventLoopGroup group;
    private final Channel channel;
    private final Path socket;

    private ApiServer(EventLoopGroup group, Channel channel, Path socket) {
        this.group = group;
        this.channel = channel;
        this.socket = socket;
    }

    public static ApiServer start(Path socket, ApiRoutes routes) throws IOException {
        Files.createDirectories(socket.getParent());
        Path privateDir = Files.createTempDirectory(socket.getParent(), ".api-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path staging = privateDir.resolve("sock");
        EventLoopGroup group = new EpollEventLoopGroup(1);
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<DomainSocketChannel>() {
                        @Override
                        protected void initChannel(DomainSocketChannel ch) {
                            ch.pipeline().addLast("codec", new HttpServerCodec());
                            ch.pipeline().addLast("aggregator", new HttpObjectAggregator(MAX_BODY));
                            ch.pipeline().addLast("api", new ApiHandler(routes));
                        }
                    })
                    .bind(new DomainSocketAddress(staging.toFile())).sync().channel();
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-------"));
            Files.move(staging, socket, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(privateDir);
            return new ApiServer(group, channel, socket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IOException("interrupted while binding " + socket, e);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully();
            Files.deleteIfExists(staging);
            Files.deleteIfExists(privateDir);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully().awaitUninterruptibly();
        Files.deleteIfExists(socket);
    }
}
