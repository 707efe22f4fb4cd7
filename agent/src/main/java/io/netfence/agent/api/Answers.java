package io.netfence.agent.api;

import io.netfence.agent.http.Replies;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** How both sockets' handlers answer: JSON, off the event loop for routes that work, never left hanging. */
final class Answers {
    private Answers() {}

    /** Runs the route on the API's workers and answers with what it returns; 503 when they are all busy. */
    static void offload(ApiWorkers workers, ChannelHandlerContext ctx, Supplier<ApiResponse> route) {
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

    static void answer(ChannelHandlerContext ctx, ApiResponse response) {
        byte[] body = (ApiJson.write(response.body()) + "\n").getBytes(StandardCharsets.UTF_8);
        Replies.sendAndClose(ctx, Replies.of(HttpResponseStatus.valueOf(response.status()), "application/json", body));
    }
}
