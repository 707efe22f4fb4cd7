package io.netfence.agent.daemon.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;

/** GET /metrics over TCP in Prometheus' text format. Read-only: nothing here changes policy. */
public final class MetricsServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private MetricsServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** @param listen {@code [host]:port}; an empty host listens on every address */
    public static MetricsServer start(String listen, PrometheusRegistry registry) throws IOException {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("metrics_listen '" + listen + "' is not [host]:port");
        }
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(listen.substring(colon + 1));
        InetSocketAddress address = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        EventLoopGroup group = new NioEventLoopGroup(1);
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        try {
            Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("codec", new HttpServerCodec());
                            ch.pipeline().addLast("aggregator", new HttpObjectAggregator(64 * 1024));
                            ch.pipeline().addLast("metrics", new Handler(registry, writer));
                        }
                    }).bind(address).sync().channel();
            return new MetricsServer(group, channel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IOException("interrupted while binding " + listen, e);
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            throw new IOException("cannot listen for metrics on " + listen + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final PrometheusRegistry registry;
        private final PrometheusTextFormatWriter writer;

        Handler(PrometheusRegistry registry, PrometheusTextFormatWriter writer) {
            this.registry = registry;
            this.writer = writer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
            FullHttpResponse response;
            if (request.method().equals(HttpMethod.GET) && request.uri().replaceFirst("\\?.*", "").equals("/metrics")) {
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.buffer());
                try (ByteBufOutputStream out = new ByteBufOutputStream(response.content())) {
                    writer.write(out, registry.scrape());
                } catch (RuntimeException e) {
                    response = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed: " + e.getMessage() + "\n");
                }
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
            } else {
                response = text(HttpResponseStatus.NOT_FOUND, "netfence serves /metrics only\n");
            }
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        private static FullHttpResponse text(HttpResponseStatus status, String body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, java.nio.charset.StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            return r;
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully().awaitUninterruptibly();
    }
}
