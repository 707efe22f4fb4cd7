package io.netfence.agent.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/** Denial events as JSON lines over HTTP, for root's API (all of them) and the run socket (a user's own). */
final class EventStream {
    private EventStream() {}

    /**
     * GET /v1/events[?follow=1][&policy=NAME]: JSON lines, the recent ones, or with follow the
     * live ones until the client goes. The body ends when the connection closes.
     */
    static void serve(ChannelHandlerContext ctx, QueryStringDecoder query, EventSource events, Predicate<DenialRecord> visible) {
        String policy = query.parameters().getOrDefault("policy", List.of("")).get(0);
        boolean follow = query.parameters().containsKey("follow");
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
        head.headers().set(HttpHeaderNames.CONNECTION, "close");
        ctx.write(head);
        Predicate<DenialRecord> wanted = e -> visible.test(e) && (policy.isEmpty() || policy.equals(e.policy()));
        if (!follow) {
            StringBuilder body = new StringBuilder();
            events.recent().stream().filter(wanted).forEach(e -> body.append(ApiJson.write(e)).append('\n'));
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.flush();
        Runnable unsubscribe = events.subscribe(e -> {
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
