package io.netfence.agent.daemon.metrics;

import io.netfence.agent.http.HttpLimits;
import io.netfence.agent.http.HttpServer;
import io.netfence.agent.http.Replies;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** GET /metrics over TCP in Prometheus' text format. Read-only: nothing here changes policy. */
public final class MetricsServer implements AutoCloseable {
    /** A scrape has no body; 10 s to send the request, 16 scrapers at once. */
    static final HttpLimits LIMITS = new HttpLimits(0, Duration.ofSeconds(10), 16);
    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
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
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        try {
            return new MetricsServer(HttpServer.start(HttpServer.Transport.TCP, address, LIMITS, MetricsServer::text,
                    () -> new Handler(registry, writer)));
        } catch (IOException e) {
            throw new IOException("cannot listen for metrics on " + listen + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final PrometheusRegistry registry;
        private final PrometheusTextFormatWriter writer;

        Handler(PrometheusRegistry registry, PrometheusTextFormatWriter writer) {
            this.registry = registry;
            this.writer = writer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response;
            if (request.method().equals(HttpMethod.GET) && request.uri().replaceFirst("\\?.*", "").equals("/metrics")) {
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.buffer());
                try (ByteBufOutputStream out = new ByteBufOutputStream(response.content())) {
                    writer.write(out, registry.scrape());
                    response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
                    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                } catch (IOException | RuntimeException e) {
                    response.release();
                    response = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed: " + e.getMessage());
                }
            } else {
                response = text(HttpResponseStatus.NOT_FOUND, "netfence serves /metrics only");
            }
            Replies.sendAndClose(ctx, response);
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String message) {
        return Replies.of(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
