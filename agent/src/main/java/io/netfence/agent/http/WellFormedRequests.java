package io.netfence.agent.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Lets through only requests the codec decoded whole (a negative or doubled Content-Length,
 * broken chunking, an over-long line or header all end here with 400, never as an empty body);
 * the request is complete now, so its deadline is lifted.
 */
final class WellFormedRequests extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ErrorReplies replies;

    WellFormedRequests(ErrorReplies replies) {
        super(false);
        this.replies = replies;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        RequestDeadline.requestComplete(ctx);
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            request.release();
            ctx.channel().config().setAutoRead(false);
            Replies.sendAndClose(ctx, replies.error(HttpResponseStatus.BAD_REQUEST,
                    "malformed request: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())));
            return;
        }
        ctx.fireChannelRead(request);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // an I/O error on the connection: nobody is left to answer
    }
}
