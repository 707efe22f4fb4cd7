package io.netfence.agent.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Aggregates a request up to the body limit. Over it (by Content-Length, before any of the body
 * is read, or as chunks arrive) the client gets 413 in the server's own words and the connection
 * is closed, so the rest is never buffered.
 */
final class BoundedAggregator extends HttpObjectAggregator {
    private final ErrorReplies replies;

    BoundedAggregator(int maxBodyBytes, ErrorReplies replies) {
        super(maxBodyBytes);
        this.replies = replies;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        Replies.sendAndClose(ctx, replies.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "the request body is over the limit of " + maxContentLength() + " bytes"));
    }
}
