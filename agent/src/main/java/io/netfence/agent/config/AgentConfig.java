package io.netfence.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * unprivileged_run: {...}                         # see UnprivilegedRuns
 * flow_history: {...}                             # see FlowHistory
 * </pre>
 */
public record AgentConfig(Path policiesDir, Path apiPoliciesDir, Path socket, String metricsListen, Path eventsFile,
                          UnprivilegedRuns runs, FlowHistory flowHistory) {
    public static final Path DEFAULT_FILE = Path.of("/etc/netfence/netfence.yaml");
    public static final AgentConfig DEFAULTS = new AgentConfig(Path.of("/etc/netfence/policies.d"),
            Path.of("/var/lib/netfence/policies.d"), Path.of("/run/netfence/netfence.sock"), ":9464", null,
            UnprivilegedRuns.DEFAULTS, FlowHistory.OFF);
    private static final Set<String> KEYS = new LinkedHashSet<>(List.of("policies_dir", "api_policies_dir", "socket", "metrics_listen",
            "events_file", "unprivileged_run", "flow_history"));
    private static final Set<String> RUN_KEYS = new LinkedHashSet<>(List.of("allow", "socket", "cgroup", "max_runs_per_user",
            "max_rules"));
    private static final Set<String> FLOW_HISTORY_KEYS = new LinkedHashSet<>(List.of("enabled", "max_flows", "max_age"));

    public AgentConfig(Path policiesDir, Path apiPoliciesDir, Path socket, String metricsListen, Path eventsFile) {
        this(policiesDir, apiPoliciesDir, socket, metricsListen, eventsFile, UnprivilegedRuns.DEFAULTS, FlowHistory.OFF);
    }

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
                        path(yaml, e.get("events_file"), base).orElse(null),
                        e.containsKey("unprivileged_run") ? runs(yaml, e.get("unprivileged_run"), base) : UnprivilegedRuns.DEFAULTS,
                        e.containsKey("flow_history") ? flowHistory(yaml, e.get("flow_history")) : FlowHistory.OFF);
            }
        }
        if (!yaml.errors().isEmpty()) {
            throw new PolicyFileException(yaml.errors());
        }
        return config;
    }

    private static UnprivilegedRuns runs(YamlNodes yaml, Node node, Path base) {
        UnprivilegedRuns runs = UnprivilegedRuns.DEFAULTS;
        Optional<Map<String, Node>> entries = yaml.mapping(node, "'unprivileged_run'", RUN_KEYS);
        if (entries.isEmpty()) {
            return runs;
        }
        Map<String, Node> e = entries.get();
        if (e.containsKey("allow")) {
            Optional<String> allow = yaml.scalar(e.get("allow"), "'allow'");
            try {
                runs = allow.isPresent() ? UnprivilegedRuns.withAllow(runs, allow.get()) : runs;
            } catch (IllegalArgumentException problem) {
                yaml.error(e.get("allow"), problem.getMessage());
            }
        }
        Path socket = path(yaml, e.get("socket"), base).orElse(runs.socket());
        String cgroup = e.containsKey("cgroup") ? yaml.scalar(e.get("cgroup"), "'cgroup'").orElse(runs.cgroup()) : runs.cgroup();
        if (!cgroup.startsWith("/") || cgroup.equals("/") || cgroup.contains("..")) {
            yaml.error(e.get("cgroup"), "'cgroup' is a cgroup path below the root, like /netfence-runs.slice");
        }
        return new UnprivilegedRuns(runs.allow(), runs.group(), socket, cgroup,
                count(yaml, e.get("max_runs_per_user"), runs.maxRunsPerUser()), count(yaml, e.get("max_rules"), runs.maxRules()));
    }

    private static FlowHistory flowHistory(YamlNodes yaml, Node node) {
        FlowHistory off = FlowHistory.OFF;
        Optional<Map<String, Node>> entries = yaml.mapping(node, "'flow_history'", FLOW_HISTORY_KEYS);
        if (entries.isEmpty()) {
            return off;
        }
        Map<String, Node> e = entries.get();
        boolean enabled = off.enabled();
        if (e.containsKey("enabled")) {
            Optional<String> text = yaml.scalar(e.get("enabled"), "'enabled'");
            if (text.isPresent() && (text.get().equals("true") || text.get().equals("false"))) {
                enabled = Boolean.parseBoolean(text.get());
            } else if (text.isPresent()) {
                yaml.error(e.get("enabled"), "'enabled' is true or false, not '" + text.get() + "'");
            }
        }
        int maxFlows = off.maxFlows();
        if (e.containsKey("max_flows")) {
            Optional<String> text = yaml.scalar(e.get("max_flows"), "'max_flows'");
            if (text.isPresent() && text.get().matches("[0-9]{1,9}")
                    && Integer.parseInt(text.get()) >= FlowHistory.MIN_MAX_FLOWS && Integer.parseInt(text.get()) <= FlowHistory.MAX_MAX_FLOWS) {
                maxFlows = Integer.parseInt(text.get());
            } else if (text.isPresent()) {
                yaml.error(e.get("max_flows"), "'max_flows' is a count from " + FlowHistory.MIN_MAX_FLOWS + " to "
                        + FlowHistory.MAX_MAX_FLOWS + ", not '" + text.get() + "'");
            }
        }
        Duration maxAge = off.maxAge();
        Optional<String> age = e.containsKey("max_age") ? yaml.scalar(e.get("max_age"), "'max_age'") : Optional.empty();
        if (age.isPresent()) {
            try {
                maxAge = DurationText.parse(age.get());
            } catch (IllegalArgumentException problem) {
                yaml.error(e.get("max_age"), "'max_age': " + problem.getMessage());
            }
            if (maxAge.compareTo(FlowHistory.MIN_MAX_AGE) < 0 || maxAge.compareTo(FlowHistory.MAX_MAX_AGE) > 0) {
                yaml.error(e.get("max_age"), "'max_age' is from " + DurationText.format(FlowHistory.MIN_MAX_AGE) + " to "
                        + DurationText.format(FlowHistory.MAX_MAX_AGE) + ", not '" + age.get() + "'");
                maxAge = off.maxAge();
            }
        }
        return new FlowHistory(enabled, maxFlows, maxAge);
    }

    private static int count(YamlNodes yaml, Node node, int fallback) {
        if (node == null) {
            return fallback;
        }
        Optional<String> text = yaml.scalar(node, "a count");
        if (text.isPresent() && text.get().matches("[0-9]{1,7}") && Integer.parseInt(text.get()) > 0) {
            return Integer.parseInt(text.get());
        }
        yaml.error(node, "expected a count from 1 to 9999999");
        return fallback;
    }

    /** Relative paths are relative to the config file, so a bundled config works from any directory. */
    private static Optional<Path> path(YamlNodes yaml, Node node, Path base) {
        if (node == null) {
            return Optional.empty();
        }
        return yaml.scalar(node, "a path").map(text -> base.resolve(text).normalize());
    }
}
