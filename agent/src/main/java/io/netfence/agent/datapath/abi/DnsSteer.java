package io.netfence.agent.datapath.abi;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Mirror of {@code struct nf_dns_steer}: where a steered DNS query was going, and whose it was.
 * The key of nf_dns_steer is the index in the 127.I.I.I address the query was sent to instead.
 */
public record DnsSteer(InetSocketAddress resolver, int protocol, int proxyPort, int scope, int pid, long cgroupId) {
    public static final int SIZE = 40;
    public static final int OFFSET_ADDR = 0;
    public static final int OFFSET_PORT = 16;
    public static final int OFFSET_FAMILY = 18;
    public static final int OFFSET_PROTOCOL = 19;
    public static final int OFFSET_PROXY_PORT = 20;
    public static final int OFFSET_SCOPE = 24;
    public static final int OFFSET_PID = 28;
    public static final int OFFSET_CGROUP_ID = 32;

    public static DnsSteer decode(byte[] value) throws UnknownHostException {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        byte[] raw = new byte[16];
        b.get(raw);
        int port = Short.toUnsignedInt(b.getShort());
        int family = Byte.toUnsignedInt(b.get());
        int protocol = Byte.toUnsignedInt(b.get());
        int proxyPort = Short.toUnsignedInt(b.getShort());
        b.getShort();
        int scope = b.getInt();
        int pid = b.getInt();
        long cgroupId = b.getLong();
        InetAddress address = InetAddress.getByAddress(family == Abi.FAMILY_IPV4 ? Arrays.copyOf(raw, 4) : raw);
        return new DnsSteer(new InetSocketAddress(address, port), protocol, proxyPort, scope, pid, cgroupId);
    }

    /** The key under which a query sent to {@code steeredTo} (127.I.I.I) is remembered, or -1 if it is no such address. */
    public static int indexOf(InetAddress steeredTo) {
        byte[] raw = steeredTo.getAddress();
        if (raw.length != 4 || raw[0] != 127) {
            return -1;
        }
        return ((raw[1] & 0xff) << 16) | ((raw[2] & 0xff) << 8) | (raw[3] & 0xff);
    }

    public static byte[] key(int index) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(index).array();
    }
}
