package io.netfence.agent.names;

import io.netfence.agent.policy.NamePattern;
import java.util.List;
import java.util.Optional;

/** What a run's summary says about names once its command is done: one line each, or none. */
public final class NameSummary {
    static final int NAMES_SHOWN = 3;

    private NameSummary() {}

    /** {@code netfence: refused 6 lookups: a.example.test, b.example.test, c.example.test and 2 more}. */
    public static Optional<String> refused(NameStats stats) {
        if (stats.refusals() == 0) {
            return Optional.empty();
        }
        return Optional.of("netfence: refused " + stats.refusals() + (stats.refusals() == 1 ? " lookup: " : " lookups: ")
                + few(stats.refusedNames(), stats.refusedNamesLeftOut()));
    }

    /**
     * The hint for name patterns no lookup matched:
     * {@code netfence: no DNS lookup of api.example.test was seen: programs that resolve through ...}.
     */
    public static Optional<String> unseen(List<NamePattern> patterns) {
        if (patterns.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = patterns.stream().map(NamePattern::toString).toList();
        return Optional.of("netfence: no DNS lookup of " + few(names, false) + " was seen: programs that resolve through "
                + "nscd, systemd-resolved's varlink/D-Bus, DNS-over-HTTPS/TLS or an IPv6 resolver never teach netfence "
                + "a name (README, \"Name rules\")");
    }

    /** {@code a}, {@code a and b}, {@code a, b, c and d}, {@code a, b, c and 2 more}; "at least" where the list is not all there was. */
    static String few(List<String> items, boolean moreThanListed) {
        if (!moreThanListed && items.size() <= NAMES_SHOWN + 1) {
            int last = items.size() - 1;
            return last == 0 ? items.get(0) : String.join(", ", items.subList(0, last)) + " and " + items.get(last);
        }
        int shown = Math.min(NAMES_SHOWN, items.size());
        int rest = items.size() - shown;
        return String.join(", ", items.subList(0, shown)) + (moreThanListed ? " and at least " + (rest + 1) : " and " + rest)
                + " more";
    }
}
