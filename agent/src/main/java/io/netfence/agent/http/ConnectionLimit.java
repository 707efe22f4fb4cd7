package io.netfence.agent.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts a server's open connections. One over the cap takes the place of the oldest connection
 * that has not sent a byte yet (idle connections cannot lock out a request); with none of those
 * it is answered 503 and closed before any of its request is read. It sits before the HTTP
 * codec, so the answer is written as bytes. All calls come from the server's one event loop.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: 34\r\nConnection: close\r\n\r\ntoo many connections; try again.\r\n").getBytes(StandardCharsets.US_ASCII);
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Channel> silent = Collections.synchronizedSet(new LinkedHashSet<>());

    ConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > max && !closeOldestSilent()) {
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        silent.add(ctx.channel());
        ctx.fireChannelActive();
    }

    private boolean closeOldestSilent() {
        Channel oldest;
        synchronized (silent) {
            Iterator<Channel> it = silent.iterator();
            if (!it.hasNext()) {
                return false;
            }
            oldest = it.next();
            it.remove();
        }
        oldest.close();
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        silent.remove(ctx.channel());
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        silent.remove(ctx.channel());
        open.decrementAndGet();
        ctx.fireChannelInactive();
    }

    int open() {
        return open.get();
    }
}
