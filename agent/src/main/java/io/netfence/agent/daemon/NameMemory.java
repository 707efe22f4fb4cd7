package io.netfence.agent.daemon;

import io.netfence.agent.api.ApiJson;
import io.netfence.agent.datapath.LearnedAddresses;
import io.netfence.agent.host.AtomicFile;
import io.netfence.agent.names.LookupListener;
import io.netfence.agent.names.NamePolicy;
import io.netfence.agent.names.NameTeacher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The answers the agent's DNS proxy learned from, per attachment, until they expire: learned
 * addresses live in the kernel keyed by ruleset, so when an attachment is pointed at new rulesets
 * (a reload changed its policy, or a restarted agent wrote them anew) they are taught to the new
 * ones first, and no name that resolved is refused afterwards. Kept for the next agent in a
 * journal in the runtime directory: each answer is appended (one write, done before the answer is
 * relayed, so even a kill -9 right after keeps it) and the journal is compacted when it holds
 * mostly expired lines. Expiry times are CLOCK_MONOTONIC, the kernel's clock, valid until reboot
 * (when the kernel's learned addresses are gone too). Bounded: beyond {@code capacity}
 * remembered addresses, new answers are still learned by the kernel but not remembered.
 */
final class NameMemory implements LookupListener {
    /** One remembered address: a line of the journal. */
    record Saved(int scope, String name, String address, long expiresNanos) {}

    /** The journal's first line. */
    record Header(int version, int proxyPort) {}

    private static final int VERSION = 1;
    private static final int COMPACT_SLACK = 1024;

    private final Map<Integer, Map<String, Map<InetAddress, Long>>> byScope = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger notRemembered = new AtomicInteger();
    private final int capacity;
    private Writer journal; // guarded by this
    private long journalLines; // guarded by this

    NameMemory(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public void learned(int scope, String name, List<InetAddress> addresses, long expiresNanos) {
        Map<InetAddress, Long> remembered = byScope.computeIfAbsent(scope, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        for (InetAddress address : addresses) {
            if (!remembered.containsKey(address) && size.get() >= capacity) {
                notRemembered.incrementAndGet();
                continue;
            }
            Long before = remembered.get(address);
            if (remembered.merge(address, expiresNanos, Math::max) == expiresNanos) {
                if (before == null) {
                    size.incrementAndGet();
                }
                append(new Saved(scope, name, address.getHostAddress(), expiresNanos));
            }
        }
    }

    private synchronized void append(Saved saved) {
        if (journal == null) {
            return;
        }
        try {
            journal.write(ApiJson.write(saved) + "\n");
            journal.flush();
            journalLines++;
        } catch (IOException e) {
            Log.error("Cannot keep a learned name for the next agent (" + e.getMessage() + "); it resolves again at its next lookup.");
        }
    }

    /** Teaches an attachment's new rulesets every answer it learned from that has not expired. */
    void teachAgain(LearnedAddresses kernel, int scope, List<NamePolicy> policies, long nowNanos) throws IOException {
        Map<String, Map<InetAddress, Long>> names = byScope.get(scope);
        if (names == null || policies.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Map<InetAddress, Long>> name : names.entrySet()) {
            for (Map.Entry<InetAddress, Long> address : name.getValue().entrySet()) {
                if (address.getValue() - nowNanos > 0) {
                    NameTeacher.teach(kernel, name.getKey(), List.of(address.getKey()), address.getValue(), policies);
                }
            }
        }
    }

    /** Forgets every attachment but {@code live}: those of cgroups gone while no agent ran, say. */
    void retain(java.util.Set<Integer> live) {
        for (Integer scope : new java.util.ArrayList<>(byScope.keySet())) {
            if (!live.contains(scope)) {
                forget(scope);
            }
        }
    }

    void forget(int scope) {
        Map<String, Map<InetAddress, Long>> gone = byScope.remove(scope);
        if (gone != null) {
            gone.values().forEach(m -> size.addAndGet(-m.size()));
        }
    }

    /** Drops what has expired. */
    void expire(long nowNanos) {
        byScope.values().forEach(names -> names.values().forEach(addresses -> addresses.entrySet().removeIf(e -> {
            boolean expired = e.getValue() - nowNanos <= 0;
            if (expired) {
                size.decrementAndGet();
            }
            return expired;
        })));
        byScope.values().forEach(names -> names.values().removeIf(Map::isEmpty));
        byScope.values().removeIf(Map::isEmpty);
    }

    int size() {
        return size.get();
    }

    /** Answers' addresses the memory had no room for, since the agent started. */
    int notRemembered() {
        return notRemembered.get();
    }

    /**
     * Starts the journal at {@code file} afresh with what is remembered: at start, and whenever
     * most of its lines are expired or forgotten.
     */
    synchronized void compactIfLarge(Path file, int proxyPort) throws IOException {
        if (journal != null && journalLines <= 2L * size.get() + COMPACT_SLACK) {
            return;
        }
        StringBuilder text = new StringBuilder(ApiJson.write(new Header(VERSION, proxyPort))).append('\n');
        long lines = 0;
        for (Map.Entry<Integer, Map<String, Map<InetAddress, Long>>> scope : byScope.entrySet()) {
            for (Map.Entry<String, Map<InetAddress, Long>> name : scope.getValue().entrySet()) {
                for (Map.Entry<InetAddress, Long> address : name.getValue().entrySet()) {
                    text.append(ApiJson.write(new Saved(scope.getKey(), name.getKey(), address.getKey().getHostAddress(),
                            address.getValue()))).append('\n');
                    lines++;
                }
            }
        }
        close();
        AtomicFile.writeString(file, text.toString());
        journal = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        journalLines = lines;
    }

    synchronized void close() throws IOException {
        if (journal != null) {
            journal.close();
            journal = null;
        }
    }

    /** What an earlier agent kept, if readable; its proxy port, or 0. */
    int load(Path file) {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Header header = ApiJson.read(in.readLine(), Header.class);
            if (header.version() != VERSION) {
                return 0;
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Saved s = ApiJson.read(line, Saved.class);
                if (s.address() == null || !s.address().matches("[0-9a-fA-F:.]{2,45}")) {
                    throw new IOException("'" + s.address() + "' is not an address"); // getByName would resolve a name
                }
                learned(s.scope(), s.name(), List.of(InetAddress.getByName(s.address())), s.expiresNanos());
            }
            return header.proxyPort();
        } catch (IOException | RuntimeException e) {
            Log.error("Cannot read all the names an earlier agent learned (" + file + ": " + e.getMessage()
                    + "); the others resolve again at their next lookup.");
            return 0;
        }
    }
}
