package io.netfence.agent.daemon;

import io.netfence.agent.api.ApiBody.Applied;
import io.netfence.agent.api.ApiBody.Deleted;
import io.netfence.agent.api.ApiBody.Flows;
import io.netfence.agent.api.ApiBody.Health;
import io.netfence.agent.api.ApiBody.PolicyList;
import io.netfence.agent.api.ApiBody.PolicyView;
import io.netfence.agent.api.ApiBody.ReloadReport;
import io.netfence.agent.api.ApiResponse;
import io.netfence.agent.api.ApiRoutes;
import io.netfence.agent.api.DenialRecord;
import io.netfence.agent.api.EventSource;
import io.netfence.agent.api.MessageLimits;
import io.netfence.agent.daemon.events.DenialEvent;
import io.netfence.agent.config.PolicyFileException;
import io.netfence.agent.config.PolicyFiles;
import io.netfence.agent.config.PolicySpec;
import io.netfence.agent.config.PolicyYaml;
import io.netfence.agent.host.AtomicFile;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.RuleTexts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The API's actions. Policies added with {@code apply} live one per file in the API policy
 * directory; the operator's directory is never written. A document is checked together with
 * every other policy file before anything is stored, and a document the agent then refuses (for
 * capacity, say) is taken back out, so a refused apply leaves nothing behind.
 */
final class AgentRoutes implements ApiRoutes {
    /** A since of more than ten years is a typo, not a window. */
    private static final long MAX_SINCE_SECONDS = 315_360_000L;
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,10}");
    private final AgentControl agent;

    AgentRoutes(AgentControl agent) {
        this.agent = agent;
    }

    @Override
    public EventSource events() {
        return new EventSource() {
            @Override
            public List<DenialRecord> recent() {
                return agent.events().recent().stream().map(DenialEvent::record).toList();
            }

            @Override
            public Runnable subscribe(Consumer<DenialRecord> consumer) {
                return agent.events().subscribe(e -> consumer.accept(e.record()));
            }
        };
    }

    @Override
    public ApiResponse health() {
        return ApiResponse.ok(new Health("ok", ProcessHandle.current().pid(), agent.started(), report(agent.lastReload()),
                agent.packetSockets(), FlowViews.history(agent.flowHistory())));
    }

    @Override
    public ApiResponse policies() {
        AgentStatus status;
        try {
            status = agent.status();
        } catch (IOException e) {
            return ApiResponse.error(500, e.getMessage());
        }
        List<PolicyView> policies = status.policies().stream().map(spec -> new PolicyView(spec.name(), spec.target().text(),
                spec.policy().learn() ? "learn" : spec.policy().audit() ? "audit" : "enforce", spec.source(), RuleTexts.egress(spec.policy()), RuleTexts.ingress(spec.policy()),
                status.matched().getOrDefault(spec.name(), List.of()))).toList();
        return ApiResponse.ok(new PolicyList(policies, status.conflicts(), report(status.lastReload())));
    }

    @Override
    public synchronized ApiResponse apply(String source, String yaml) {
        List<PolicySpec> incoming;
        try {
            incoming = PolicyFiles.parse(Map.of(source, yaml));
        } catch (PolicyFileException e) {
            return ApiResponse.error(400, e.errors());
        }
        try {
            Set<String> names = incoming.stream().map(PolicySpec::name).collect(Collectors.toSet());
            Map<String, String> operator = PolicyFiles.readDirectory(agent.config().policiesDir(), Set.of());
            for (PolicySpec existing : PolicyFiles.parse(operator)) {
                if (names.contains(existing.name())) {
                    return ApiResponse.error(409, "policy '" + existing.name() + "' is defined in " + existing.source()
                            + "; change it there");
                }
            }
            Map<String, String> all = new LinkedHashMap<>(operator);
            all.putAll(PolicyFiles.readDirectory(agent.config().apiPoliciesDir(), names.stream().map(n -> n + ".yaml").collect(Collectors.toSet())));
            all.put(source, yaml);
            PolicyFiles.parse(all);
            Map<Path, Optional<String>> before = new LinkedHashMap<>();
            for (PolicySpec spec : incoming) {
                Path file = agent.config().apiPoliciesDir().resolve(spec.name() + ".yaml");
                before.put(file, Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty());
                AtomicFile.writeString(file, PolicyYaml.write(spec, source));
            }
            ReloadResult reload = agent.reloadAndWait();
            if (!reload.ok()) {
                restore(before);
                agent.reloadAndWait();
                return ApiResponse.error(400, reload.errors());
            }
            return ApiResponse.ok(new Applied(names.stream().sorted().toList()));
        } catch (PolicyFileException e) {
            return ApiResponse.error(400, e.errors());
        } catch (IOException e) {
            return ApiResponse.error(500, e.getMessage());
        }
    }

    @Override
    public synchronized ApiResponse delete(String name) {
        Optional<String> invalid = PolicyNames.problem(name);
        if (invalid.isPresent()) {
            return ApiResponse.error(400, invalid.get());
        }
        try {
            for (PolicySpec existing : PolicyFiles.parse(PolicyFiles.readDirectory(agent.config().policiesDir(), Set.of()))) {
                if (existing.name().equals(name)) {
                    return ApiResponse.error(409, "policy '" + name + "' is defined in " + existing.source() + "; remove it there");
                }
            }
            Path file = agent.config().apiPoliciesDir().resolve(name + ".yaml");
            if (!Files.deleteIfExists(file)) {
                return ApiResponse.error(404, "no policy named '" + name + "'");
            }
            ReloadResult reload = agent.reloadAndWait();
            return reload.ok() ? ApiResponse.ok(new Deleted(name)) : ApiResponse.error(400, reload.errors());
        } catch (PolicyFileException e) {
            return ApiResponse.error(409, e.errors());
        } catch (IOException e) {
            return ApiResponse.error(500, e.getMessage());
        }
    }

    @Override
    public ApiResponse flows(String name, String since) {
        Optional<String> invalid = PolicyNames.problem(name);
        if (invalid.isPresent()) {
            return ApiResponse.error(400, invalid.get());
        }
        long seconds = since == null ? 0 : SECONDS.matcher(since).matches() ? Long.parseLong(since) : -1;
        if (since != null && (seconds < 1 || seconds > MAX_SINCE_SECONDS)) {
            return ApiResponse.error(400, "since: '" + MessageLimits.cut(List.of(since)).get(0) + "' is not a number of seconds from 1 to "
                    + MAX_SINCE_SECONDS);
        }
        try {
            Optional<AgentControl.RecordedFlows> flows = agent.flows(name, since == null ? null : Duration.ofSeconds(seconds));
            if (flows.isEmpty()) {
                return ApiResponse.error(404, "no policy named '" + name + "' is in force");
            }
            AgentControl.RecordedFlows f = flows.get();
            return ApiResponse.ok(new Flows(name, f.flows().stream().map(FlowViews::view).toList(), f.capacity(), f.recording(),
                    f.omitted(), FlowViews.history(agent.flowHistory())));
        } catch (IOException e) {
            return ApiResponse.error(500, e.getMessage());
        }
    }

    /** Puts each file back as it was before the apply: its old text, or no file. */
    private static void restore(Map<Path, Optional<String>> before) throws IOException {
        for (Map.Entry<Path, Optional<String>> file : before.entrySet()) {
            if (file.getValue().isPresent()) {
                AtomicFile.writeString(file.getKey(), file.getValue().get());
            } else {
                Files.deleteIfExists(file.getKey());
            }
        }
    }

    private static ReloadReport report(ReloadResult reload) {
        return reload == null ? null : new ReloadReport(reload.at(), reload.ok(), MessageLimits.cut(reload.errors()));
    }
}
