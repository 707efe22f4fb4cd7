package io.netfence.agent.policy;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A host name, or {@code *.SUFFIX}: every name below SUFFIX (at any depth, not SUFFIX itself).
 * Names are compared in lower case without the trailing dot. A name needs a dot, so that a
 * mistyped keyword ({@code locahost}) is an error rather than a name rule.
 */
public record NamePattern(String suffix, boolean wildcard) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final int MAX_NAME = 253;

    public NamePattern {
        suffix = normalize(suffix);
        String[] labels = suffix.split("\\.", -1);
        if (suffix.length() > MAX_NAME) {
            throw new IllegalArgumentException("name '" + suffix + "' is longer than " + MAX_NAME + " characters");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("'" + suffix + "' is not a host name (label '" + label + "')");
            }
        }
        if (!wildcard && labels.length < 2) {
            throw new IllegalArgumentException("unknown keyword '" + suffix + "' (expected an address, a prefix, a host name "
                    + "with a dot, any, localhost, own-loopback, link-local or multicast)");
        }
    }

    public static NamePattern parse(String text) {
        return text.startsWith("*.") ? new NamePattern(text.substring(2), true) : new NamePattern(text, false);
    }

    /** A name as DNS writes it (any case, maybe with the root's dot) as patterns compare it. */
    public static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** @param name normalized */
    public boolean matches(String name) {
        return wildcard ? name.endsWith("." + suffix) : name.equals(suffix);
    }

    /** Whether every name this pattern matches is matched by {@code wider} too. */
    public boolean within(NamePattern wider) {
        return wider.wildcard && (suffix.endsWith("." + wider.suffix) || wildcard && suffix.equals(wider.suffix));
    }

    /** Rank among the patterns matching one name: the exact name first, then longer suffixes. */
    public int specificity() {
        return 2 * (int) suffix.chars().filter(c -> c == '.').count() + (wildcard ? 0 : 1);
    }

    @Override
    public String toString() {
        return wildcard ? "*." + suffix : suffix;
    }
}
