package io.netfence.agent.names;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The names behind the addresses the DNS proxy saw answered, per scope: bounded and expiring.
 * An entry is kept {@code keptAfterExpiry} past the address's own expiry (the answer's TTL plus
 * grace), so that a connection refused just after expiry is still shown with its name. Beyond
 * {@code capacity} entries the one remembered longest ago is forgotten. Where several names
 * answered one address (a CDN), the latest is the one shown.
 */
public final class NameBook implements AddressNames {
    public static final int CAPACITY = 65_536;
    public static final Duration KEPT_AFTER_EXPIRY = Duration.ofMinutes(5);
    private static final int SWEEP_PER_REMEMBER = 2;

    private record Key(int scope, InetAddress address) {}

    private record Entry(String name, long forgetAtNanos) {}

    private final int capacity;
    private final long keptAfterExpiryNanos;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();

    /** @param nanoClock the clock of {@code expiresNanos}, System::nanoTime but in tests */
    public NameBook(int capacity, Duration keptAfterExpiry, LongSupplier nanoClock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a name book holds at least one entry, not " + capacity);
        }
        this.capacity = capacity;
        this.keptAfterExpiryNanos = keptAfterExpiry.toNanos();
        this.nanoClock = nanoClock;
    }

    public NameBook() {
        this(CAPACITY, KEPT_AFTER_EXPIRY, System::nanoTime);
    }

    /** Remembers that {@code name} was answered with {@code address} until {@code expiresNanos} (plus the time kept after). */
    public synchronized void remember(int scope, String name, InetAddress address, long expiresNanos) {
        Key key = new Key(scope, address);
        entries.remove(key); // re-inserted last: the newest answer is the last to be evicted
        entries.put(key, new Entry(name, expiresNanos + keptAfterExpiryNanos));
        sweep(nanoClock.getAsLong());
    }

    /** Forgets the oldest entries beyond capacity, and a few expired ones from the old end, so memory follows use. */
    private void sweep(long now) {
        Iterator<Map.Entry<Key, Entry>> oldest = entries.entrySet().iterator();
        for (int looked = 0; oldest.hasNext() && (entries.size() > capacity || looked < SWEEP_PER_REMEMBER); looked++) {
            Map.Entry<Key, Entry> entry = oldest.next();
            if (entries.size() > capacity || entry.getValue().forgetAtNanos() - now <= 0) {
                oldest.remove();
            }
        }
    }

    @Override
    public synchronized Optional<String> nameOf(int scope, InetAddress address) {
        Key key = new Key(scope, address);
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.forgetAtNanos() - nanoClock.getAsLong() <= 0) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.name());
    }

    /** Entries held, expired ones not yet swept included. */
    public synchronized int size() {
        return entries.size();
    }
}
