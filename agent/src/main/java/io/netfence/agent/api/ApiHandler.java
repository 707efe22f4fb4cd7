package io.netfence.agent.api;

import io.netfence.agent.http.Replies;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Routes one request to {@link ApiRoutes}. On the event loop it only decodes, answers
 * {@code health} and serves events; everything else runs on {@link ApiWorkers}. Whatever a
 * route throws, even an Error, becomes an answer.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String POLICIES = "/v1/policies";
    private static final String EVENTS = "/v1/events";
    private static final String FLOWS = "/v1/flows";
    private final ApiRoutes routes;
    private final ApiWorkers workers;
    private final Predicate<Channel> peerAllowed;

    ApiHandler(ApiRoutes routes, ApiWorkers workers, Predicate<Channel> peerAllowed) {
        this.routes = routes;
        this.workers = workers;
        this.peerAllowed = peerAllowed;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!peerAllowed.test(ctx.channel())) {
            answer(ctx, ApiResponse.error(403, "the netfence API is for root only"));
            return;
        }
        QueryStringDecoder uri;
        String path;
        try {
            uri = new QueryStringDecoder(request.uri());
            path = uri.path();
        } catch (IllegalArgumentException e) {
            answer(ctx, ApiResponse.error(400, "malformed request path: " + e.getMessage()));
            return;
        }
        HttpMethod method = request.method();
        if (path.equals("/v1/health") && method.equals(HttpMethod.GET)) {
            answer(ctx, safely(routes::health));
        } else if (path.equals(EVENTS) && method.equals(HttpMethod.GET)) {
            try {
                streamEvents(ctx, uri);
            } catch (Throwable e) { // the head may be out: closing is the only honest end
                ctx.close();
            }
        } else if (path.equals(POLICIES) && method.equals(HttpMethod.GET)) {
            offload(ctx, routes::policies);
        } else if (path.equals(POLICIES) && (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT))) {
            String source = request.headers().get("X-Netfence-Source", "request");
            byte[] body = ByteBufUtil.getBytes(request.content());
            offload(ctx, () -> apply(source, body));
        } else if (path.startsWith(FLOWS + "/") && method.equals(HttpMethod.GET)) {
            String name = path.substring(FLOWS.length() + 1);
            offload(ctx, () -> routes.flows(name));
        } else if (path.startsWith(POLICIES + "/") && method.equals(HttpMethod.DELETE)) {
            String name = path.substring(POLICIES.length() + 1);
            offload(ctx, () -> routes.delete(name));
        } else {
            answer(ctx, ApiResponse.error(404, "no such endpoint: " + method.name() + " " + path));
        }
    }

    private ApiResponse apply(String source, byte[] body) {
        String yaml;
        try {
            yaml = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return ApiResponse.error(400, source + ": the policy document is not UTF-8");
        }
        return routes.apply(source, yaml);
    }

    private void offload(ChannelHandlerContext ctx, Supplier<ApiResponse> route) {
        if (!workers.offer(() -> answer(ctx, safely(route)))) {
            answer(ctx, ApiResponse.error(503, "the agent is busy with other API requests; try again"));
        }
    }

    static ApiResponse safely(Supplier<ApiResponse> route) {
        try {
            return route.get();
        } catch (StackOverflowError e) {
            return ApiResponse.error(400, "the request is nested too deeply to read");
        } catch (Throwable e) { // answered, never left to hang the client
            return ApiResponse.error(500, "internal error: " + e);
        }
    }

    private static void answer(ChannelHandlerContext ctx, ApiResponse response) {
        byte[] body = (ApiJson.write(response.body()) + "\n").getBytes(StandardCharsets.UTF_8);
        Replies.sendAndClose(ctx, Replies.of(HttpResponseStatus.valueOf(response.status()), "application/json", body));
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
        Predicate<DenialRecord> wanted = e -> policy.isEmpty() || policy.equals(e.policy());
        if (!follow) {
            StringBuilder body = new StringBuilder();
            routes.events().recent().stream().filter(wanted).forEach(e -> body.append(ApiJson.write(e)).append('\n'));
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
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(ApiJson.write(e) + "\n", StandardCharsets.UTF_8)));
        });
        ctx.channel().closeFuture().addListener(f -> unsubscribe.run());
    }
}
