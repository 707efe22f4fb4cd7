package io.netfence.agent.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One HTTP server on one event-loop thread. Its handler receives only whole, well-formed
 * requests within the limits, must not block (hand slow work to an executor) and answers once.
 */
public final class HttpServer implements AutoCloseable {
    /** Where a server listens: a unix socket (epoll) or TCP. */
    public enum Transport {
        UNIX, TCP;

        EventLoopGroup group() {
            return this == UNIX ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        }

        Class<? extends ServerChannel> channel() {
            return this == UNIX ? EpollServerDomainSocketChannel.class : NioServerSocketChannel.class;
        }
    }

    static final long CLOSE_MILLIS = 500;
    private final EventLoopGroup group;
    private final Channel channel;

    private HttpServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    public static HttpServer start(Transport transport, SocketAddress address, HttpLimits limits, ErrorReplies replies,
                                   Supplier<ChannelHandler> handler) throws IOException {
        EventLoopGroup group = transport.group();
        ConnectionLimit connections = new ConnectionLimit(limits.maxConnections());
        try {
            Channel channel = new ServerBootstrap().group(group).channel(transport.channel())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast("connections", connections);
                            ch.pipeline().addLast("codec", new HttpServerCodec());
                            ch.pipeline().addLast(RequestDeadline.NAME, new RequestDeadline(limits.requestDeadline(), replies));
                            ch.pipeline().addLast("aggregator", new BoundedAggregator(limits.maxBodyBytes(), replies));
                            ch.pipeline().addLast("well-formed", new WellFormedRequests(replies));
                            ch.pipeline().addLast("handler", handler.get());
                        }
                    }).bind(address).sync().channel();
            return new HttpServer(group, channel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IOException("interrupted while binding " + address, e);
        } catch (Exception e) { // Netty rethrows the bind's IOException undeclared
            group.shutdownGracefully();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    public SocketAddress localAddress() {
        return channel.localAddress();
    }

    /** Stops listening and drops open connections, within twice {@value #CLOSE_MILLIS} ms whatever the clients do. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(CLOSE_MILLIS);
        group.shutdownGracefully(0, CLOSE_MILLIS, TimeUnit.MILLISECONDS).awaitUninterruptibly(CLOSE_MILLIS);
    }
}
