package io.netfence.agent.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Routes one HTTP request to {@link ApiRoutes}; answers JSON and closes. */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String POLICIES = "/v1/policies";
    private static final String EVENTS = "/v1/events";
    private final ApiRoutes routes;

    ApiHandler(ApiRoutes routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (isRoot(ctx) && request.method().equals(HttpMethod.GET) && request.uri().startsWith(EVENTS)) {
            streamEvents(ctx, new QueryStringDecoder(request.uri()));
            return;
        }
        ApiResponse response;
        try {
            response = isRoot(ctx) ? route(request) : ApiResponse.error(403, "the netfence API is for root only");
        } catch (RuntimeException e) {
            response = ApiResponse.error(500, "internal error: " + e);
        }
        byte[] body = (Json.write(response.body()) + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
                Unpooled.wrappedBuffer(body));
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * GET /v1/events[?follow=1][&policy=NAME]: JSON lines, the recent ones, or with follow the
     * live ones until the client goes. The body ends when the connection closes.
     */
    private void streamEvents(ChannelHandlerContext ctx, QueryStringDecoder query) {
        String policy = query.parameters().getOrDefault("policy", List.of("")).get(0);
        boolean follow = query.parameters().containsKey("follow");
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
        head.headers().set(HttpHeaderNames.CONNECTION, "close");
        ctx.write(head);
        Predicate<Map<String, Object>> wanted = e -> policy.isEmpty() || policy.equals(e.get("policy"));
        if (!follow) {
            StringBuilder body = new StringBuilder();
            routes.events().recent().stream().filter(wanted).forEach(e -> body.append(Json.write(e)).append('\n'));
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.flush();
        Runnable unsubscribe = routes.events().subscribe(e -> {
            if (!wanted.test(e)) {
                return;
            }
            if (!ctx.channel().isWritable()) {
                ctx.close(); // a reader that cannot keep up is cut off, never the event pump
                return;
            }
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(Json.write(e) + "\n", StandardCharsets.UTF_8)));
        });
        ctx.channel().closeFuture().addListener(f -> unsubscribe.run());
    }

    private static boolean isRoot(ChannelHandlerContext ctx) {
        try {
            return ((EpollDomainSocketChannel) ctx.channel()).peerCredentials().uid() == 0;
        } catch (IOException | ClassCastException e) {
            return false;
        }
    }

    private ApiResponse route(FullHttpRequest request) {
        String path = request.uri().replaceFirst("\\?.*", "");
        HttpMethod method = request.method();
        if (path.equals("/v1/health") && method.equals(HttpMethod.GET)) {
            return routes.health();
        }
        if (path.equals(POLICIES) && method.equals(HttpMethod.GET)) {
            return routes.policies();
        }
        if (path.equals(POLICIES) && (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT))) {
            String source = request.headers().get("X-Netfence-Source", "request");
            return routes.apply(source, request.content().toString(StandardCharsets.UTF_8));
        }
        if (path.startsWith(POLICIES + "/") && method.equals(HttpMethod.DELETE)) {
            return routes.delete(URLDecoder.decode(path.substring(POLICIES.length() + 1), StandardCharsets.UTF_8));
        }
        return routes.notFound(method.name(), path);
    }
}
