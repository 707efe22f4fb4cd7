package io.netfence.agent.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Answers 408 and closes when the whole request has not arrived in time: a client that sends
 * slowly, or opens and says nothing, cannot hold a connection. The server's handler removes it
 * once the request is complete, so a long answer (an event stream) is not cut.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
    static final String NAME = "request-deadline";
    private final Duration deadline;
    private final ErrorReplies replies;
    private ScheduledFuture<?> timer;

    RequestDeadline(Duration deadline, ErrorReplies replies) {
        this.deadline = deadline;
        this.replies = replies;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> Replies.sendAndClose(ctx, replies.error(HttpResponseStatus.REQUEST_TIMEOUT,
                "the request did not arrive within " + deadline.toMillis() + " ms")), deadline.toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Called by the server's handler once it has the whole request. */
    static void requestComplete(ChannelHandlerContext ctx) {
        if (ctx.pipeline().get(NAME) != null) {
            ctx.pipeline().remove(NAME);
        }
    }
}
