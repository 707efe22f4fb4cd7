package io.netfence.agent.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
            Answers.answer(ctx, ApiResponse.error(403, "cannot tell who is asking: " + e.getMessage()));
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            Answers.answer(ctx, ApiResponse.error(400, "malformed request path: " + e.getMessage()));
            return;
        }
        if (path.equals(RUNS) && request.method().equals(HttpMethod.POST)) {
            String body = new String(ByteBufUtil.getBytes(request.content()), StandardCharsets.UTF_8);
            Answers.offload(workers, ctx, () -> {
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
            Answers.offload(workers, ctx, () -> routes.finish(peer, id));
        } else {
            Answers.answer(ctx, ApiResponse.error(404, "no such endpoint: " + request.method().name() + " " + path));
        }
    }


}
