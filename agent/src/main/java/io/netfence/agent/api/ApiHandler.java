package io.netfence.agent.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
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
    private final ApiRoutes routes;

    ApiHandler(ApiRoutes routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
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
