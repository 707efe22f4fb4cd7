package io.netfence.bench;

import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.LearnedAddresses;
import io.netfence.agent.datapath.NameTable;
import io.netfence.agent.datapath.PolicyCompiler;
import io.netfence.agent.datapath.abi.DnsSteer;
import io.netfence.agent.names.DnsLimits;
import io.netfence.agent.names.DnsProxy;
import io.netfence.agent.names.NamePolicy;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The DNS proxy's cost per query against an in-process upstream on loopback: latency p50/p99
 * asking through the proxy and asking the upstream directly (one client, one query at a time),
 * and lookups/s with several clients at once. The kernel's part (steering a query in
 * connect4/sendmsg4, writing nf_learned) is not in it: the steering is an in-memory table and the
 * learned addresses an in-memory map, as in DnsProxyTest. Traffic stays on loopback.
 *
 * <p>Run: {@code java -cp bench/jmh/target/benchmarks.jar io.netfence.bench.DnsProxyMeasurement
 * [QUERIES [SECONDS [CLIENTS]]]} (defaults 20000, 5, 16). Prints one line per figure,
 * {@code dns-proxy NAME VALUE UNIT}, for bench/run.py.
 */
public final class DnsProxyMeasurement {
    private static final InetAddress STEERED_TO = loopback(127, 1, 2, 3);
    private static final int SCOPE = 9;
    private static final int TIMEOUT_MILLIS = 2000;

    private DnsProxyMeasurement() {}

    public static void main(String[] args) throws Exception {
        int queries = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        try (LoopbackResolver upstream = new LoopbackResolver(4); DnsProxy proxy = DnsProxy.bind(DnsLimits.DEFAULT)) {
            Map<InetAddress, Long> learned = serve(proxy, upstream.address());
            InetSocketAddress viaProxy = new InetSocketAddress(STEERED_TO, proxy.port());
            InetSocketAddress direct = upstream.address();

            latencies(direct, queries / 4); // warm-up of both paths: JIT, sockets, thread pool
            latencies(viaProxy, queries / 4);
            long[] directNanos = latencies(direct, queries);
            long[] proxyNanos = latencies(viaProxy, queries);
            print("direct-p50", percentile(directNanos, 50) / 1e3, "us");
            print("direct-p99", percentile(directNanos, 99) / 1e3, "us");
            print("proxy-p50", percentile(proxyNanos, 50) / 1e3, "us");
            print("proxy-p99", percentile(proxyNanos, 99) / 1e3, "us");
            print("added-p50", (percentile(proxyNanos, 50) - percentile(directNanos, 50)) / 1e3, "us");
            print("added-p99", (percentile(proxyNanos, 99) - percentile(directNanos, 99)) / 1e3, "us");
            print("direct-lookups", throughput(direct, clients, seconds), "lookups/s");
            print("proxy-lookups", throughput(viaProxy, clients, seconds), "lookups/s");
            print("proxy-learned-addresses", learned.size(), "addresses");
            print("proxy-failures", proxy.stats().failures(), "queries");
        }
    }

    /** The proxy answering for one attachment under {@code deny any, allow api.example.test}; returns what it learns. */
    private static Map<InetAddress, Long> serve(DnsProxy proxy, InetSocketAddress upstream) {
        List<Rule> prefixes = new ArrayList<>();
        List<NameRule> names = new ArrayList<>();
        RuleSyntax.parseInto(Verdict.DENY, "any", prefixes, names);
        RuleSyntax.parseInto(Verdict.ALLOW, "api.example.test", prefixes, names);
        NameTable table = PolicyCompiler.compile(prefixes, names).names();
        Policy policy = new Policy("bench", prefixes, List.of(), false, PacketSockets.BY_DEFAULT, names, List.of());
        NamePolicy namePolicy = NamePolicy.of(SCOPE, policy, new AppliedPolicy("bench", 1, 11, 12, false, false, table,
                NameTable.EMPTY));
        DnsSteer steer = new DnsSteer(upstream, 17, proxy.port(), SCOPE, 1, 1);
        int index = DnsSteer.indexOf(STEERED_TO);
        Map<InetAddress, Long> learned = new ConcurrentHashMap<>();
        proxy.serve(new LearnedAddresses() {
            @Override
            public Optional<DnsSteer> steered(int steeredIndex) {
                return steeredIndex == index ? Optional.of(steer) : Optional.empty();
            }

            @Override
            public void learn(int scope, int ruleset, InetAddress address, NameTable.Entry entry, long expiresNanos) {
                learned.merge(address, expiresNanos, Math::max);
            }
        }, scope -> scope == SCOPE ? List.of(namePolicy) : List.of(), DnsLimits.DEFAULT);
        return learned;
    }

    /** One client, one query at a time: each round trip's nanoseconds. */
    private static long[] latencies(InetSocketAddress server, int count) throws IOException {
        long[] nanos = new long[count];
        try (Client client = new Client(server)) {
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                client.ask(i);
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        return nanos;
    }

    /** {@code clients} clients, each one query at a time, for {@code seconds}: answered lookups per second. */
    private static double throughput(InetSocketAddress server, int clients, int seconds) throws Exception {
        AtomicLong answered = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    try (Client client = new Client(server)) {
                        for (int i = 0; System.nanoTime() < end; i++) {
                            client.ask(i);
                            answered.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return answered.get() / (double) seconds;
    }

    /** A connected UDP socket asking A queries for api.example.test, as a resolver library does. */
    private static final class Client implements AutoCloseable {
        private final DatagramSocket socket;
        private final byte[] query = query();
        private final byte[] buffer = new byte[512];

        Client(InetSocketAddress server) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(server);
        }

        void ask(int id) throws IOException {
            query[0] = (byte) (id >> 8);
            query[1] = (byte) id;
            socket.send(new DatagramPacket(query, query.length));
            while (true) {
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                socket.receive(reply); // a lost answer ends the measurement with SocketTimeoutException
                if (reply.getLength() > 3 && buffer[0] == query[0] && buffer[1] == query[1]) {
                    if ((buffer[3] & 0xf) != 0) {
                        throw new IOException("the answer has rcode " + (buffer[3] & 0xf));
                    }
                    return;
                }
            }
        }

        private static byte[] query() {
            ByteBuffer out = ByteBuffer.allocate(64);
            out.putShort((short) 0).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0);
            for (String label : "api.example.test".split("\\.")) {
                out.put((byte) label.length()).put(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            out.put((byte) 0).putShort((short) 1).putShort((short) 1);
            return Arrays.copyOf(out.array(), out.position());
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static void print(String name, double value, String unit) {
        System.out.printf(java.util.Locale.ROOT, "dns-proxy %s %.1f %s%n", name, value, unit);
    }

    private static InetAddress loopback(int... octets) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) octets[0], (byte) octets[1], (byte) octets[2], (byte) octets[3]});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
