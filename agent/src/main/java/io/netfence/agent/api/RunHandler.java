package io.netfence.agent.api;

import io.netfence.agent.http.Replies;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Routes the run socket's two requests to {@link RunRoutes}, off the event loop, for the peer the kernel names. */
final class RunHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String RUNS = "/v1/runs";
    private final RunRoutes routes;
    private final ApiWorkers workers;

    RunHandler(RunRoutes routes, ApiWorkers workers) {
        this.routes = routes;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Peer peer;
        try {
            PeerCredentials credentials = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials();
            int[] gids = credentials.gids();
            peer = new Peer(credentials.pid(), credentials.uid(), gids.length > 0 ? gids[0] : -1);
        } catch (IOException | ClassCastException e) {
            answer(ctx, ApiResponse.error(403, "cannot tell who is asking: " + e.getMessage()));
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            answer(ctx, ApiResponse.error(400, "malformed request path: " + e.getMessage()));
            return;
        }
        if (path.equals(RUNS) && request.method().equals(HttpMethod.POST)) {
            String body = new String(ByteBufUtil.getBytes(request.content()), StandardCharsets.UTF_8);
            offload(ctx, () -> {
                RunRequest run;
                try {
                    run = ApiJson.read(body, RunRequest.class);
                } catch (IOException | RuntimeException e) {
                    return ApiResponse.error(400, "not a run request: " + e.getMessage());
                }
                return routes.start(peer, run);
            });
        } else if (path.equals("/v1/events") && request.method().equals(HttpMethod.GET)) {
            try {
                EventStream.serve(ctx, new QueryStringDecoder(request.uri()), routes.events(), e -> routes.isOwnEvent(peer, e));
            } catch (Throwable e) { // the head may be out: closing is the only honest end
                ctx.close();
            }
        } else if (path.startsWith(RUNS + "/") && request.method().equals(HttpMethod.DELETE)) {
            String id = path.substring(RUNS.length() + 1);
            offload(ctx, () -> routes.finish(peer, id));
        } else {
            answer(ctx, ApiResponse.error(404, "no such endpoint: " + request.method().name() + " " + path));
        }
    }

    private void offload(ChannelHandlerContext ctx, Supplier<ApiResponse> route) {
        if (!workers.offer(() -> answer(ctx, ApiHandler.safely(route)))) {
            answer(ctx, ApiResponse.error(503, "the agent is busy; try again"));
        }
    }

    private static void answer(ChannelHandlerContext ctx, ApiResponse response) {
        byte[] body = (ApiJson.write(response.body()) + "\n").getBytes(StandardCharsets.UTF_8);
        Replies.sendAndClose(ctx, Replies.of(HttpResponseStatus.valueOf(response.status()), "application/json", body));
    }
}
