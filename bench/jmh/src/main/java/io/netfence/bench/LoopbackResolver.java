package io.netfence.bench;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An in-process DNS server on 127.0.0.1 (UDP) answering every A query with one address
 * (198.18.0.2, TTL 60): the upstream both the proxy and the direct client ask, so that the
 * difference between the two is the proxy's own cost.
 */
final class LoopbackResolver implements AutoCloseable {
    private static final byte[] ANSWERED = {(byte) 198, 18, 0, 2};
    private final DatagramSocket socket;

    LoopbackResolver(int threadCount) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setReceiveBufferSize(1 << 20);
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(this::serve, "loopback-resolver-" + i);
            t.setDaemon(true);
            t.start();
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
        byte[] buffer = new byte[512];
        try {
            while (true) {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                socket.receive(query);
                byte[] answer = answer(Arrays.copyOf(buffer, query.getLength()));
                socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
            }
        } catch (Exception closed) {
            // the measurement is over
        }
    }

    /** The query turned into its answer: QR and RA set, one A record pointing back at the question's name. */
    static byte[] answer(byte[] query) {
        ByteBuffer out = ByteBuffer.allocate(query.length + 16);
        out.put(query);
        out.putShort(2, (short) 0x8180);
        out.putShort(6, (short) 1);
        out.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4).put(ANSWERED);
        return out.array();
    }

    @Override
    public void close() {
        socket.close();
    }
}
