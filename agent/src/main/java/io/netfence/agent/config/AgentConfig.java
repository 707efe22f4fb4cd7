package io.netfence.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * /etc/netfence/netfence.yaml. Every key is optional:
 * <pre>
 * policies_dir: /etc/netfence/policies.d          # the operator's policy files
 * api_policies_dir: /var/lib/netfence/policies.d  # policies added with 'netfence apply'
 * socket: /run/netfence/netfence.sock             # the control API (root only)
 * metrics_listen: ":9464"                         # Prometheus /metrics; "" turns it off
 * events_file: /var/log/netfence/events.jsonl     # denial events as JSON lines; unset: none
 * </pre>
 */
public record AgentConfig(Path policiesDir, Path apiPoliciesDir, Path socket, String metricsListen, Path eventsFile) {
    public static final Path DEFAULT_FILE = Path.of("/etc/netfence/netfence.yaml");
    public static final AgentConfig DEFAULTS = new AgentConfig(Path.of("/etc/netfence/policies.d"),
            Path.of("/var/lib/netfence/policies.d"), Path.of("/run/netfence/netfence.sock"), ":9464", null);
    private static final Set<String> KEYS = new LinkedHashSet<>(List.of("policies_dir", "api_policies_dir", "socket", "metrics_listen",
            "events_file"));

    public List<Path> policyDirectories() {
        return List.of(policiesDir, apiPoliciesDir);
    }

    /** Reads the file; a missing default file means the defaults. */
    public static AgentConfig load(Path file) throws IOException, PolicyFileException {
        if (!Files.exists(file)) {
            if (file.equals(DEFAULT_FILE)) {
                return DEFAULTS;
            }
            throw new IOException("config file " + file + " does not exist");
        }
        YamlNodes yaml = new YamlNodes(file.toString());
        Optional<Node> root = yaml.compose(Files.readString(file, StandardCharsets.UTF_8));
        AgentConfig config = DEFAULTS;
        if (root.isPresent()) {
            Optional<Map<String, Node>> entries = yaml.mapping(root.get(), "the config", KEYS);
            if (entries.isPresent()) {
                Map<String, Node> e = entries.get();
                Path base = file.toAbsolutePath().getParent();
                config = new AgentConfig(
                        path(yaml, e.get("policies_dir"), base).orElse(DEFAULTS.policiesDir),
                        path(yaml, e.get("api_policies_dir"), base).orElse(DEFAULTS.apiPoliciesDir),
                        path(yaml, e.get("socket"), base).orElse(DEFAULTS.socket),
                        e.containsKey("metrics_listen") ? yaml.scalar(e.get("metrics_listen"), "'metrics_listen'").orElse("")
                                : DEFAULTS.metricsListen,
                        path(yaml, e.get("events_file"), base).orElse(null));
            }
        }
        if (!yaml.errors().isEmpty()) {
            throw new PolicyFileException(yaml.errors());
        }
        return config;
    }

    /** Relative paths are relative to the config file, so a bundled config works from any directory. */
    private static Optional<Path> path(YamlNodes yaml, Node node, Path base) {
        if (node == null) {
            return Optional.empty();
        }
        return yaml.scalar(node, "a path").map(text -> base.resolve(text).normalize());
    }
}
