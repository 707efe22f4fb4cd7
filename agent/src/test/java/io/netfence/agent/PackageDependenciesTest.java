package io.netfence.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Which package may use which, as each package-info.java says, checked on the sources: a new
 * dependency is a decision to write down here, not an accident. "loader" is the loader's public
 * API; its internals are for the loader alone.
 */
class PackageDependenciesTest {
    private static final Path SOURCES = Path.of("src/main/java/io/netfence/agent");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.netfence\\.((?:agent\\.)?[a-z][a-z.]*?)\\.[A-Z]");

    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("policy", Set.of()),
            Map.entry("host", Set.of()),
            Map.entry("config", Set.of("policy")),
            Map.entry("cgroup", Set.of("loader")),
            Map.entry("datapath.abi", Set.of("policy")),
            Map.entry("datapath", Set.of("datapath.abi", "policy", "cgroup", "host", "loader")),
            Map.entry("learn", Set.of("datapath.abi", "policy")),
            Map.entry("http", Set.of()),
            Map.entry("names", Set.of("datapath", "datapath.abi", "policy")),
            Map.entry("api", Set.of("http")),
            Map.entry("daemon.events", Set.of("api", "datapath.abi", "loader", "policy")),
            Map.entry("daemon.metrics", Set.of("datapath", "datapath.abi", "http")),
            Map.entry("daemon", Set.of("api", "cgroup", "config", "daemon.events", "daemon.metrics", "datapath",
                    "datapath.abi", "host", "learn", "names", "policy")),
            Map.entry("cli", Set.of("api", "cgroup", "config", "daemon", "datapath", "datapath.abi", "learn", "loader",
                    "names", "policy")));

    @Test
    void everyPackageUsesOnlyWhatItMay() throws IOException {
        Set<String> violations = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> allowed = ALLOWED.get(from);
                if (allowed == null) {
                    violations.add(from + " is a new package: say in its package-info.java and here what it may use");
                    continue;
                }
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String to = m.group(1).startsWith("agent.") ? m.group(1).substring("agent.".length()) : m.group(1);
                    if (!to.equals(from) && !allowed.contains(to) && !to.equals("bpf")) {
                        violations.add(SOURCES.relativize(file) + " uses " + to);
                    }
                }
            }
        }
        assertEquals(List.of(), List.copyOf(violations));
    }
}
