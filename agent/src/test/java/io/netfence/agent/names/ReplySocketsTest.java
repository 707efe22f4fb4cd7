package io.netfence.agent.names;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reply sockets on loopback, beside a wildcard socket as the proxy has. */
class ReplySocketsTest {
    private final EventLoopGroup group = new EpollEventLoopGroup(1);
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final Bootstrap bootstrap = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true).handler(new Recorder());
    private final Channel wildcard;
    private final int port;

    @ChannelHandler.Sharable
    private final class Recorder extends SimpleChannelInboundHandler<io.netty.channel.socket.DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, io.netty.channel.socket.DatagramPacket packet) {
            received.add(ctx.channel().localAddress() + " " + new String(ByteBufUtil.getBytes(packet.content())));
        }
    }

    ReplySocketsTest() throws Exception {
        wildcard = bootstrap.bind(new InetSocketAddress("0.0.0.0", 0)).sync().channel();
        port = ((InetSocketAddress) wildcard.localAddress()).getPort();
    }

    @AfterEach
    void stop() {
        wildcard.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private InetSocketAddress at(int last) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 1, 0, (byte) last}), port);
    }

    @Test
    void eachAnswerLeavesFromItsAddressAndWhatArrivesThereIsReadThenIdleSocketsClose() throws Exception {
        try (ReplySockets replies = new ReplySockets(bootstrap, 2, Duration.ofSeconds(30));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(5000);
            for (int last = 1; last <= 3; last++) {
                replies.send(at(last), (InetSocketAddress) client.getLocalSocketAddress(), ("answer " + last).getBytes());
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                client.receive(reply);
                assertEquals(at(last), reply.getSocketAddress());
            }
            assertEquals(2, replies.size());

            client.send(new DatagramPacket("again".getBytes(), 5, at(3)));
            assertEquals("/127.1.0.3:" + port + " again", received.poll(5, TimeUnit.SECONDS));

            replies.closeIdle(System.nanoTime() + Duration.ofSeconds(31).toNanos());
            assertEquals(0, replies.size());
            group.submit(() -> { }).sync(); // the closes were queued on the event loop before it
            client.send(new DatagramPacket("later".getBytes(), 5, at(3)));
            assertEquals(wildcard.localAddress() + " later", received.poll(5, TimeUnit.SECONDS));
        }
    }
}
