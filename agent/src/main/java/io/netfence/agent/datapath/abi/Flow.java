package io.netfence.agent.datapath.abi;

import io.netfence.agent.policy.IpPrefix;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Mirror of {@code struct nf_flow}: a flow as a hook saw it. {@code port} is the destination port
 * (the remote one on egress, the local one on ingress), 0 when the packet has none.
 */
public record Flow(byte[] address, int port, int family, int protocol, int hook) {
    public static final int SIZE = 24;
    public static final int OFFSET_ADDR = 0;
    public static final int OFFSET_PORT = 16;
    public static final int OFFSET_FAMILY = 18;
    public static final int OFFSET_PROTOCOL = 19;
    public static final int OFFSET_HOOK = 20;

    /** Reads one flow at the buffer's position (native order). */
    public static Flow decode(ByteBuffer b) {
        int start = b.position();
        byte[] raw = new byte[16];
        b.get(raw);
        int port = Short.toUnsignedInt(b.getShort());
        int family = Byte.toUnsignedInt(b.get());
        int protocol = Byte.toUnsignedInt(b.get());
        int hook = Byte.toUnsignedInt(b.get());
        b.position(start + SIZE);
        byte[] address = family == Abi.FAMILY_IPV4 ? Arrays.copyOf(raw, 4) : family == Abi.FAMILY_NONE ? new byte[0] : raw;
        return new Flow(address, port, family, protocol, hook);
    }

    public String hookName() {
        return switch (hook) {
            case Abi.HOOK_CONNECT -> "connect";
            case Abi.HOOK_SENDMSG -> "sendmsg";
            case Abi.HOOK_EGRESS -> "egress";
            case Abi.HOOK_INGRESS -> "ingress";
            case Abi.HOOK_SOCK_CREATE -> "sock_create";
            case Abi.HOOK_DNS -> "dns";
            default -> "hook " + hook;
        };
    }

    public String protocolName() {
        return switch (protocol) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1, 58 -> "icmp";
            default -> "proto " + protocol;
        };
    }

    /** {@code 198.18.0.2:443/tcp}, {@code [fd00::2]:53/udp}, {@code 198.18.0.2/icmp}, {@code packet socket}. */
    public String describe() {
        if (family == Abi.FAMILY_NONE) {
            return protocol == Abi.AF_XDP ? "XDP socket" : protocol == Abi.AF_PACKET ? "packet socket" : "socket family " + protocol;
        }
        String host = addressText();
        return at(port != 0 && family == Abi.FAMILY_IPV6 ? "[" + host + "]" : host);
    }

    /**
     * With the name the address was looked up by: {@code api.example.test (198.18.0.2):443/tcp},
     * {@code api.example.test (fd00::2):443/tcp}.
     */
    public String describe(String name) {
        return family == Abi.FAMILY_NONE ? describe() : at(name + " (" + addressText() + ")");
    }

    private String at(String host) {
        return port == 0 ? host + "/" + protocolName() : host + ":" + port + "/" + protocolName();
    }

    private String addressText() {
        return IpPrefix.of(address, address.length * 8).addressText();
    }

    /** The peer's address; empty for a socket creation, which has none. */
    public Optional<InetAddress> inetAddress() {
        try {
            return family == Abi.FAMILY_NONE ? Optional.empty() : Optional.of(InetAddress.getByAddress(address));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Flow f && Arrays.equals(f.address, address) && f.port == port
                && f.family == family && f.protocol == protocol && f.hook == hook;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + port * 7 + protocol * 3 + hook;
    }
}
