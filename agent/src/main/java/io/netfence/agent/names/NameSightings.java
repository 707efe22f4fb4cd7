package io.netfence.agent.names;

import io.netfence.agent.datapath.NameTable;
import io.netfence.agent.policy.NamePattern;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which name patterns of one policy matched at least one lookup. A pattern no lookup matched
 * was never taught an address: most often because the program resolves through something that
 * is not port-53 DNS (nscd, systemd-resolved's varlink or D-Bus, DNS-over-HTTPS), which the run's
 * summary then says. A lookup costs one set probe per label of its name, whatever the rules.
 */
public final class NameSightings {
    private final List<NamePattern> patterns;
    private final Map<String, NamePattern> exact = new HashMap<>();
    private final Map<String, NamePattern> wildcards = new HashMap<>();
    private final Set<NamePattern> seen = ConcurrentHashMap.newKeySet();

    private NameSightings(List<NamePattern> patterns) {
        this.patterns = patterns;
        for (NamePattern pattern : patterns) {
            (pattern.wildcard() ? wildcards : exact).put(pattern.suffix(), pattern);
        }
    }

    /** The patterns of every table, each once. */
    public static NameSightings of(NameTable... tables) {
        Set<NamePattern> patterns = new LinkedHashSet<>();
        for (NameTable table : tables) {
            table.entries().forEach(e -> patterns.add(e.pattern()));
        }
        return new NameSightings(List.copyOf(patterns));
    }

    /** Marks every pattern matching {@code name} (normalized) as seen. */
    public void saw(String name) {
        if (seen.size() == patterns.size()) {
            return;
        }
        NamePattern named = exact.get(name);
        if (named != null) {
            seen.add(named);
        }
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            NamePattern covering = wildcards.get(name.substring(dot + 1));
            if (covering != null) {
                seen.add(covering);
            }
        }
    }

    /** The patterns no lookup matched, most specific first. */
    public List<NamePattern> unseen() {
        return patterns.stream().filter(p -> !seen.contains(p)).toList();
    }
}
