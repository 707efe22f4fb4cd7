package io.netfence.agent.names;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/** Asks the resolver a query was addressed to, over the transport the program used. */
final class Upstream {
    private final Duration timeout;

    Upstream(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * A socket of the resolver's own family: an IPv4 resolver asked from an IPv6 socket would
     * pass the kernel's IPv6 hooks, where an outer policy with name rules does not steer it to its
     * own proxy (a nested confinement's query would then never be judged there by name).
     */
    private static ProtocolFamily familyOf(InetSocketAddress resolver) {
        return resolver.getAddress() instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    byte[] ask(InetSocketAddress resolver, byte[] query, boolean tcp) throws IOException {
        return tcp ? overTcp(resolver, query) : overUdp(resolver, query);
    }

    private byte[] overUdp(InetSocketAddress resolver, byte[] query) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramChannel channel = DatagramChannel.open(familyOf(resolver))) {
            DatagramSocket socket = channel.socket();
            socket.connect(resolver);
            socket.send(new DatagramPacket(query, query.length));
            byte[] buffer = new byte[DnsLimits.MAX_MESSAGE];
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no answer from " + resolver);
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                if (packet.getLength() >= 2 && buffer[0] == query[0] && buffer[1] == query[1]) {
                    return Arrays.copyOf(buffer, packet.getLength());
                }
            }
        }
    }

    private byte[] overTcp(InetSocketAddress resolver, byte[] query) throws IOException {
        try (SocketChannel channel = SocketChannel.open(familyOf(resolver))) {
            Socket socket = channel.socket();
            socket.connect(resolver, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return answer;
        }
    }
}
