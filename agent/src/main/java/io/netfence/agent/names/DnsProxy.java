package io.netfence.agent.names;

import io.netfence.agent.datapath.LearnedAddresses;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.DnsSteer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * netfence's DNS proxy: UDP and TCP on one port of every local address, reached only at
 * 127.I.I.I where the kernel steered a confined program's query (the index I says where it was
 * going, see {@link DnsSteer}); anything else is dropped. Queries are answered on a bounded pool,
 * so a slow upstream never stalls the event loop.
 */
public final class DnsProxy implements AutoCloseable {
    private static final int TCP_IDLE_SECONDS = 10;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int BIND_ATTEMPTS = 8;
    /** setsockopt(SOL_SOCKET, SO_MARK): Netty has no option of its own for it. */
    private static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);
    private static final int REPLY_SWEEP_SECONDS = 10;

    private final EventLoopGroup group;
    private final Channel udp;
    private final Channel tcp;
    private final ThreadPoolExecutor workers;
    private final ReplySockets replies;
    private final NameStats stats = new NameStats();
    private final NameBook book = new NameBook();
    private volatile QueryHandler handler;

    private DnsProxy(EventLoopGroup group, Channel udp, Channel tcp, ThreadPoolExecutor workers, ReplySockets replies) {
        this.group = group;
        this.udp = udp;
        this.tcp = tcp;
        this.workers = workers;
        this.replies = replies;
    }

    /** Hands every datagram to the proxy: those of its own socket and those of its reply sockets. */
    @ChannelHandler.Sharable
    private static final class Datagrams extends SimpleChannelInboundHandler<DatagramPacket> {
        private volatile DnsProxy proxy;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            DnsProxy current = proxy;
            if (current != null) {
                current.onDatagram(packet);
            }
        }
    }

    /**
     * Binds a free port for UDP and TCP; queries are dropped until {@link #serve}. The port the
     * kernel gives the UDP socket may be taken for TCP (a connection in TIME_WAIT on it): then
     * another is tried.
     */
    public static DnsProxy bind(DnsLimits limits) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            try {
                return bindOnce(limits, 0);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * Binds the given port for UDP and TCP: the agent's proxy keeps one port across restarts, so
     * attachments pointed at it by an earlier agent are answered again as soon as it is back.
     */
    public static DnsProxy bind(DnsLimits limits, int port) throws IOException {
        return bindOnce(limits, port);
    }

    private static DnsProxy bindOnce(DnsLimits limits, int wantedPort) throws IOException {
        EventLoopGroup group = new EpollEventLoopGroup(1);
        ThreadPoolExecutor workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.maxInFlight()), r -> {
                    Thread t = new Thread(r, "netfence-dns");
                    t.setDaemon(true);
                    return t;
                });
        DnsProxy[] self = new DnsProxy[1];
        Datagrams datagrams = new Datagrams();
        // the mark tells an outer confinement that these sockets are netfence's (nf_proxy_end);
        // setting it needs CAP_NET_ADMIN: without (tests as a user), Netty logs it and goes on
        Bootstrap udpSockets = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(EpollChannelOption.IP_RECVORIGDSTADDR, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(SO_MARK, Abi.PROXY_MARK)
                .handler(datagrams);
        Channel udp = null;
        try {
            udp = udpSockets.bind(new InetSocketAddress("0.0.0.0", wantedPort)).sync().channel();
            int port = ((InetSocketAddress) udp.localAddress()).getPort();
            Channel tcp = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(SO_MARK, Abi.PROXY_MARK) // accepted connections inherit it
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new ReadTimeoutHandler(TCP_IDLE_SECONDS),
                                    new LengthFieldBasedFrameDecoder(DnsLimits.MAX_MESSAGE + 2, 0, 2, 0, 2),
                                    new LengthFieldPrepender(2),
                                    new SimpleChannelInboundHandler<ByteBuf>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                            self[0].onStream(ctx.channel(), ByteBufUtil.getBytes(frame));
                                        }
                                    });
                        }
                    }).bind(new InetSocketAddress("0.0.0.0", port)).sync().channel();
            ReplySockets replies = new ReplySockets(udpSockets, ReplySockets.CAPACITY, ReplySockets.IDLE);
            // on a worker: a worker may hold the reply sockets while it waits for the event loop to bind one
            group.scheduleAtFixedRate(() -> submitQuietly(workers, () -> replies.closeIdle(System.nanoTime())),
                    REPLY_SWEEP_SECONDS, REPLY_SWEEP_SECONDS, TimeUnit.SECONDS);
            self[0] = new DnsProxy(group, udp, tcp, workers, replies);
            datagrams.proxy = self[0];
            return self[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release(group, workers, udp);
            throw new IOException("interrupted while binding the DNS proxy", e);
        } catch (Exception e) { // Netty rethrows the bind's IOException undeclared
            release(group, workers, udp);
            throw new IOException("cannot bind the DNS proxy: " + e.getMessage(), e);
        }
    }

    private static void submitQuietly(ThreadPoolExecutor workers, Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException busy) {
            // the next round does it
        }
    }

    private static void release(EventLoopGroup group, ThreadPoolExecutor workers, Channel udp) {
        if (udp != null) {
            udp.close();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        workers.shutdownNow();
    }

    public int port() {
        return ((InetSocketAddress) udp.localAddress()).getPort();
    }

    public NameStats stats() {
        return stats;
    }

    /** The names behind the addresses answered so far, for events and summaries. */
    public AddressNames names() {
        return book;
    }

    /** Starts answering: the kernel maps to read and write, and the name policies of each scope. */
    public void serve(LearnedAddresses kernel, IntFunction<List<NamePolicy>> policiesOfScope, DnsLimits limits) {
        serve(kernel, policiesOfScope, limits, LookupListener.NONE);
    }

    /** As {@link #serve(LearnedAddresses, IntFunction, DnsLimits)}, telling {@code listener} what each answer taught. */
    public void serve(LearnedAddresses kernel, IntFunction<List<NamePolicy>> policiesOfScope, DnsLimits limits,
                      LookupListener listener) {
        handler = new QueryHandler(kernel, policiesOfScope, limits, stats, book, listener);
    }

    private Optional<DnsSteer> steer(InetSocketAddress reachedAt, int protocol) throws IOException {
        int index = DnsSteer.indexOf(reachedAt.getAddress());
        QueryHandler current = handler;
        if (index < 0 || reachedAt.getPort() != port() || current == null) {
            return Optional.empty();
        }
        return current.kernel().steered(index).filter(s -> s.protocol() == protocol && s.proxyPort() == port());
    }

    private void onDatagram(DatagramPacket packet) {
        InetSocketAddress reachedAt = packet.recipient();
        InetSocketAddress client = packet.sender();
        byte[] query = ByteBufUtil.getBytes(packet.content());
        submit(() -> {
            Optional<DnsSteer> steer = steer(reachedAt, PROTO_UDP);
            if (steer.isEmpty()) {
                return;
            }
            Optional<byte[]> reply = handler.answer(query, steer.get(), false);
            if (reply.isPresent()) {
                replies.send(reachedAt, client, reply.get()); // from 127.I.I.I, where the client sent it
            }
        }, () -> { });
    }

    private void onStream(Channel channel, byte[] query) {
        InetSocketAddress reachedAt = (InetSocketAddress) channel.localAddress();
        submit(() -> {
            Optional<DnsSteer> steer = steer(reachedAt, PROTO_TCP);
            Optional<byte[]> reply = steer.isEmpty() ? Optional.empty() : handler.answer(query, steer.get(), true);
            if (reply.isPresent()) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(reply.get()));
            } else {
                channel.close();
            }
        }, channel::close);
    }

    private interface Task {
        void run() throws IOException;
    }

    private void submit(Task task, Runnable onFailure) {
        try {
            workers.execute(() -> {
                try {
                    task.run();
                } catch (IOException | RuntimeException e) {
                    stats.failed();
                    onFailure.run();
                }
            });
        } catch (RejectedExecutionException full) {
            stats.failed(); // too many in flight: the client's retry comes later
            onFailure.run();
        }
    }

    @Override
    public void close() {
        udp.close();
        tcp.close();
        replies.close();
        workers.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
