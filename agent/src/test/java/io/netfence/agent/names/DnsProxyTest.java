package io.netfence.agent.names;

import static io.netfence.agent.names.Messages.a;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.agent.datapath.LearnedAddresses;
import io.netfence.agent.datapath.NameTable;
import io.netfence.agent.datapath.PolicyCompiler;
import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.abi.DnsSteer;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy as the kernel's steering leaves it: a client on loopback sends to 127.I.I.I (the
 * steered destination), over UDP on a connected socket and over TCP, and gets the resolver's
 * answer from that address, after the addresses are learned. No BPF: the steering is faked.
 */
class DnsProxyTest {
    private static final int INDEX = 0x010203;
    private static final InetSocketAddress STEERED_TO = new InetSocketAddress(loopback(127, 1, 2, 3), 0);
    /** Where the kernel steers a retry over TCP: every connect() to the resolver gets an index of its own. */
    private static final int TCP_INDEX = 0x010204;
    private static final InetAddress TCP_STEERED_TO = loopback(127, 1, 2, 4);
    private final DatagramSocket udpResolver;
    private final ServerSocket tcpResolver;
    private final List<String> learned = new CopyOnWriteArrayList<>();
    private final byte[] answer;
    private volatile byte[] udpAnswer;
    private volatile byte[] tcpAnswer;
    private DnsProxy proxy;

    DnsProxyTest() throws Exception {
        answer = Messages.response(77, "api.example.test.", DnsRecordType.A, 0, List.of(a("api.example.test.", 30, 198, 18, 0, 2)));
        udpAnswer = answer;
        tcpAnswer = answer;
        udpResolver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        tcpResolver = new ServerSocket(udpResolver.getLocalPort(), 4, InetAddress.getLoopbackAddress());
        daemon(() -> {
            byte[] buffer = new byte[4096];
            while (true) {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                udpResolver.receive(query);
                byte[] reply = udpAnswer;
                udpResolver.send(new DatagramPacket(reply, reply.length, query.getSocketAddress()));
            }
        });
        daemon(() -> {
            while (true) {
                try (Socket client = tcpResolver.accept()) {
                    DataInputStream in = new DataInputStream(client.getInputStream());
                    in.readFully(new byte[in.readUnsignedShort()]);
                    DataOutputStream out = new DataOutputStream(client.getOutputStream());
                    byte[] reply = tcpAnswer;
                    out.writeShort(reply.length);
                    out.write(reply);
                }
            }
        });
    }

    private interface Loop {
        void run() throws Exception;
    }

    private static void daemon(Loop loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (Exception closed) {
                // the test is over
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static InetAddress loopback(int... octets) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) octets[0], (byte) octets[1], (byte) octets[2], (byte) octets[3]});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private void start(int protocol) throws Exception {
        proxy = DnsProxy.bind(DnsLimits.DEFAULT);
        List<Rule> prefixes = new ArrayList<>();
        List<NameRule> names = new ArrayList<>();
        RuleSyntax.parseInto(Verdict.DENY, "any", prefixes, names);
        RuleSyntax.parseInto(Verdict.ALLOW, "api.example.test", prefixes, names);
        NameTable table = PolicyCompiler.compile(prefixes, names).names();
        Policy policy = new Policy("p", prefixes, List.of(), false, io.netfence.agent.policy.PacketSockets.BY_DEFAULT, names, List.of());
        NamePolicy namePolicy = NamePolicy.of(9, policy, new AppliedPolicy("p", 1, 11, 12, false, false, table, NameTable.EMPTY));
        DnsSteer steer = new DnsSteer((InetSocketAddress) udpResolver.getLocalSocketAddress(), protocol, proxy.port(), 9, 1, 1);
        DnsSteer tcpRetry = new DnsSteer((InetSocketAddress) udpResolver.getLocalSocketAddress(), 6, proxy.port(), 9, 1, 1);
        proxy.serve(new LearnedAddresses() {
            @Override
            public Optional<DnsSteer> steered(int index) {
                return index == INDEX ? Optional.of(steer) : index == TCP_INDEX ? Optional.of(tcpRetry) : Optional.empty();
            }

            @Override
            public void learn(int scope, int ruleset, InetAddress address, NameTable.Entry entry, long expiresNanos) {
                learned.add(address.getHostAddress());
            }
        }, scope -> scope == 9 ? List.of(namePolicy) : List.of(), DnsLimits.DEFAULT);
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        udpResolver.close();
        tcpResolver.close();
    }

    @Test
    void aConnectedUdpClientGetsTheAnswerFromTheAddressItSentTo() throws Exception {
        start(17);
        assertArrayEquals(answer, askOverUdp(Messages.query(77, "api.example.test.", DnsRecordType.A)));
        assertEquals(List.of("198.18.0.2"), learned);
    }

    /** A resolver library keeps its connected socket (glibc does) and asks again the moment an answer is in. */
    @Test
    void aConnectedUdpClientAskingAgainAndAgainGetsEveryAnswer() throws Exception {
        start(17);
        byte[] query = Messages.query(77, "api.example.test.", DnsRecordType.A);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(2000);
            client.connect(new InetSocketAddress(STEERED_TO.getAddress(), proxy.port()));
            for (int i = 0; i < 500; i++) {
                client.send(new DatagramPacket(query, query.length));
                DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
                client.receive(reply);
                assertArrayEquals(answer, Arrays.copyOf(reply.getData(), reply.getLength()), "answer " + i);
            }
        }
    }

    @Test
    void aTcpClientGetsTheAnswer() throws Exception {
        start(6);
        byte[] query = Messages.query(77, "api.example.test.", DnsRecordType.A);
        assertArrayEquals(answer, askOverTcp(STEERED_TO.getAddress(), query));
        assertEquals(List.of("198.18.0.2"), learned);
    }

    private byte[] askOverTcp(InetAddress steeredTo, byte[] query) throws Exception {
        try (Socket client = new Socket(steeredTo, proxy.port())) {
            client.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            DataInputStream in = new DataInputStream(client.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            return reply;
        }
    }

    private byte[] askOverUdp(byte[] query) throws Exception {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(5000);
            client.connect(new InetSocketAddress(STEERED_TO.getAddress(), proxy.port()));
            client.send(new DatagramPacket(query, query.length));
            DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
            client.receive(reply);
            assertEquals(STEERED_TO.getAddress(), reply.getAddress());
            return Arrays.copyOf(reply.getData(), reply.getLength());
        }
    }

    @Test
    void aTruncatedUdpAnswerIsRelayedAsItIsAndTheRetryOverTcpLearnsTheRest() throws Exception {
        start(17);
        List<DnsRecord> all = new ArrayList<>();
        for (int host = 10; host < 50; host++) {
            all.add(a("api.example.test.", 30, 198, 18, 0, host));
        }
        udpAnswer = Messages.truncated(Messages.response(77, "api.example.test.", DnsRecordType.A, 0, all.subList(0, 29)));
        tcpAnswer = Messages.response(77, "api.example.test.", DnsRecordType.A, 0, all);
        byte[] query = Messages.query(77, "api.example.test.", DnsRecordType.A);

        byte[] overUdp = askOverUdp(query);
        assertArrayEquals(udpAnswer, overUdp);
        assertEquals(29, learned.size());
        byte[] overTcp = askOverTcp(TCP_STEERED_TO, query);

        assertArrayEquals(tcpAnswer, overTcp);
        assertEquals(40, Set.copyOf(learned).size());
        assertEquals(Optional.of("api.example.test"), proxy.names().nameOf(9, loopback(198, 18, 0, 49)));
    }

    @Test
    void aQueryTheKernelDidNotSteerIsDropped() throws Exception {
        start(17);
        byte[] query = Messages.query(77, "api.example.test.", DnsRecordType.A);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(500);
            client.send(new DatagramPacket(query, query.length, new InetSocketAddress(loopback(127, 9, 9, 9), proxy.port())));
            org.junit.jupiter.api.Assertions.assertThrows(java.net.SocketTimeoutException.class,
                    () -> client.receive(new DatagramPacket(new byte[4096], 4096)));
        }
        assertEquals(List.of(), learned);
    }
}
