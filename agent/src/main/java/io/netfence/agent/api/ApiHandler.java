package io.netfence.agent.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

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
            Answers.answer(ctx, ApiResponse.error(403, "the netfence API is for root only"));
            return;
        }
        QueryStringDecoder uri;
        String path;
        try {
            uri = new QueryStringDecoder(request.uri());
            path = uri.path();
        } catch (IllegalArgumentException e) {
            Answers.answer(ctx, ApiResponse.error(400, "malformed request path: " + e.getMessage()));
            return;
        }
        HttpMethod method = request.method();
        if (path.equals("/v1/health") && method.equals(HttpMethod.GET)) {
            Answers.answer(ctx, Answers.safely(routes::health));
        } else if (path.equals(EVENTS) && method.equals(HttpMethod.GET)) {
            try {
                EventStream.serve(ctx, uri, routes.events(), e -> true);
            } catch (Throwable e) { // the head may be out: closing is the only honest end
                ctx.close();
            }
        } else if (path.equals(POLICIES) && method.equals(HttpMethod.GET)) {
            Answers.offload(workers, ctx, routes::policies);
        } else if (path.equals(POLICIES) && (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT))) {
            String source = request.headers().get("X-Netfence-Source", "request");
            byte[] body = ByteBufUtil.getBytes(request.content());
            Answers.offload(workers, ctx, () -> apply(source, body));
        } else if (path.startsWith(FLOWS + "/") && method.equals(HttpMethod.GET)) {
            String name = path.substring(FLOWS.length() + 1);
            List<String> since = uri.parameters().get("since");
            Answers.offload(workers, ctx, () -> routes.flows(name, since == null ? null : String.join(",", since)));
        } else if (path.startsWith(POLICIES + "/") && method.equals(HttpMethod.DELETE)) {
            String name = path.substring(POLICIES.length() + 1);
            Answers.offload(workers, ctx, () -> routes.delete(name));
        } else {
            Answers.answer(ctx, ApiResponse.error(404, "no such endpoint: " + method.name() + " " + path));
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
}
