package io.netfence.agent.config;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a policy applies to: a cgroup path ({@code /system.slice/payments.service}), a glob over
 * cgroup paths ({@code /system.slice/*.service}) or a systemd unit ({@code payments.service}).
 */
public sealed interface Target {
    List<String> UNIT_SUFFIXES = List.of(".service", ".scope", ".slice", ".socket", ".mount", ".swap", ".target");
    Pattern UNIT_NAME = Pattern.compile("[A-Za-z0-9:_.\\\\@-]+");

    /** The text the operator wrote. */
    String text();

    /** Whether a cgroup path (relative to the cgroup2 mount) is this target. Units match by name. */
    boolean matches(String cgroupPath);

    record CgroupPath(String text) implements Target {
        @Override
        public boolean matches(String cgroupPath) {
            return cgroupPath.equals(text);
        }
    }

    record Glob(String text, PathMatcher matcher) implements Target {
        @Override
        public boolean matches(String cgroupPath) {
            return matcher.matches(Path.of(cgroupPath));
        }
    }

    /** A unit is found by the name of its cgroup directory, wherever its slice put it. */
    record Unit(String text) implements Target {
        @Override
        public boolean matches(String cgroupPath) {
            return cgroupPath.endsWith("/" + text);
        }
    }

    /** @throws IllegalArgumentException saying why no cgroup could ever match the text */
    static Target parse(String text) {
        if (text.startsWith("/")) {
            for (String part : text.substring(1).split("/", -1)) {
                if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                    throw new IllegalArgumentException("target '" + text + "' is not a cgroup path: empty, '.' or '..' component");
                }
            }
            if (text.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
                try {
                    return new Glob(text, FileSystems.getDefault().getPathMatcher("glob:" + text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("target '" + text + "' is not a valid glob: " + e.getMessage());
                }
            }
            return new CgroupPath(text);
        }
        if (UNIT_NAME.matcher(text).matches() && UNIT_SUFFIXES.stream().anyMatch(text::endsWith)) {
            return new Unit(text);
        }
        throw new IllegalArgumentException("target '" + text + "' is neither a cgroup path (starting with '/') nor a "
                + "systemd unit name (ending in " + String.join(", ", UNIT_SUFFIXES) + ")");
    }
}
