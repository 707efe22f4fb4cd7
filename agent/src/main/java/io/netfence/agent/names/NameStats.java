package io.netfence.agent.names;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** What the proxy did, for the run summary and metrics. */
public final class NameStats {
    private static final int NAMES_KEPT = 64;
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong learned = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Set<String> refusedNames = new LinkedHashSet<>();
    private boolean refusedNamesLeftOut;

    void lookup() {
        lookups.incrementAndGet();
    }

    void refused(String name) {
        refused.incrementAndGet();
        synchronized (refusedNames) {
            if (refusedNames.size() < NAMES_KEPT) {
                refusedNames.add(name);
            } else if (!refusedNames.contains(name)) {
                refusedNamesLeftOut = true;
            }
        }
    }

    void learned(int addresses) {
        learned.addAndGet(addresses);
    }

    void failed() {
        failed.incrementAndGet();
    }

    public long lookups() {
        return lookups.get();
    }

    public long refusals() {
        return refused.get();
    }

    public long addressesLearned() {
        return learned.get();
    }

    /** Queries that got SERVFAIL: the upstream did not answer, or answered something malformed. */
    public long failures() {
        return failed.get();
    }

    /** The first names refused (64 at most), each once, in the order of their first refusal. */
    public List<String> refusedNames() {
        synchronized (refusedNames) {
            return List.copyOf(refusedNames);
        }
    }

    /** Whether more names were refused than {@link #refusedNames()} holds. */
    public boolean refusedNamesLeftOut() {
        synchronized (refusedNames) {
            return refusedNamesLeftOut;
        }
    }
}
