package io.netfence.agent.daemon;

import io.netfence.agent.api.ApiResponse;
import io.netfence.agent.api.ApiRoutes;
import io.netfence.agent.config.PolicyFileException;
import io.netfence.agent.config.PolicyFiles;
import io.netfence.agent.config.PolicySpec;
import io.netfence.agent.config.PolicyYaml;
import io.netfence.agent.policy.Rule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The API's actions. Policies added with {@code apply} live one per file in the API policy
 * directory; the operator's directory is never written. A document is checked together with
 * every other policy file before anything is stored, so a bad apply changes nothing.
 */
final class AgentRoutes implements ApiRoutes {
    private final Agent agent;

    AgentRoutes(Agent agent) {
        this.agent = agent;
    }

    @Override
    public io.netfence.agent.api.EventSource events() {
        return new io.netfence.agent.api.EventSource() {
            @Override
            public List<Map<String, Object>> recent() {
                return agent.events().recent().stream().map(e -> e.json()).toList();
            }

            @Override
            public Runnable subscribe(java.util.function.Consumer<Map<String, Object>> consumer) {
                return agent.events().subscribe(e -> consumer.accept(e.json()));
            }
        };
    }

    @Override
    public ApiResponse health() {
        ReloadResult reload = agent.lastReload();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("pid", ProcessHandle.current().pid());
        body.put("started", agent.started());
        body.put("last_reload", reload == null ? null : reloadJson(reload));
        return ApiResponse.ok(body);
    }

    @Override
    public ApiResponse policies() {
        AgentStatus status;
        try {
            status = agent.status();
        } catch (IOException e) {
            return ApiResponse.error(500, e.getMessage());
        }
        List<Object> policies = new ArrayList<>();
        for (PolicySpec spec : status.policies()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", spec.name());
            p.put("target", spec.target().text());
            p.put("mode", spec.policy().audit() ? "audit" : "enforce");
            p.put("source", spec.source());
            p.put("egress", spec.policy().egress().stream().map(Rule::toString).toList());
            p.put("ingress", spec.policy().ingress().stream().map(Rule::toString).toList());
            p.put("cgroups", status.matched().getOrDefault(spec.name(), List.of()));
            policies.add(p);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("policies", policies);
        body.put("conflicts", status.conflicts());
        body.put("last_reload", status.lastReload() == null ? null : reloadJson(status.lastReload()));
        return ApiResponse.ok(body);
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
            Map<String, String> operator = texts(agent.config().policiesDir(), Set.of());
            for (PolicySpec existing : PolicyFiles.parse(operator)) {
                if (names.contains(existing.name())) {
                    return ApiResponse.error(409, "policy '" + existing.name() + "' is defined in " + existing.source()
                            + "; change it there");
                }
            }
            Map<String, String> all = new LinkedHashMap<>(operator);
            all.putAll(texts(agent.config().apiPoliciesDir(), names.stream().map(n -> n + ".yaml").collect(Collectors.toSet())));
            all.put(source, yaml);
            PolicyFiles.parse(all);
            for (PolicySpec spec : incoming) {
                write(agent.config().apiPoliciesDir().resolve(spec.name() + ".yaml"), PolicyYaml.write(spec, source));
            }
            ReloadResult reload = agent.reloadAndWait();
            if (!reload.ok()) {
                return ApiResponse.error(400, reload.errors());
            }
            return ApiResponse.ok(Map.of("applied", new ArrayList<>(names.stream().sorted().toList())));
        } catch (PolicyFileException e) {
            return ApiResponse.error(400, e.errors());
        } catch (IOException e) {
            return ApiResponse.error(500, e.getMessage());
        }
    }

    @Override
    public synchronized ApiResponse delete(String name) {
        try {
            for (PolicySpec existing : PolicyFiles.parse(texts(agent.config().policiesDir(), Set.of()))) {
                if (existing.name().equals(name)) {
                    return ApiResponse.error(409, "policy '" + name + "' is defined in " + existing.source() + "; remove it there");
                }
            }
            Path file = agent.config().apiPoliciesDir().resolve(name + ".yaml");
            if (name.contains("/") || !Files.deleteIfExists(file)) {
                return ApiResponse.error(404, "no policy named '" + name + "'");
            }
            ReloadResult reload = agent.reloadAndWait();
            return reload.ok() ? ApiResponse.ok(Map.of("deleted", name)) : ApiResponse.error(400, reload.errors());
        } catch (PolicyFileException e) {
            return ApiResponse.error(409, e.errors());
        } catch (IOException e) {
            return ApiResponse.error(500, e.getMessage());
        }
    }

    private static Map<String, String> texts(Path directory, Set<String> except) throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        if (!Files.isDirectory(directory)) {
            return texts;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!except.contains(name) && Files.isRegularFile(file) && !name.startsWith(".")
                        && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
                    texts.put(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
                }
            }
        }
        return texts;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Map<String, Object> reloadJson(ReloadResult reload) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("at", reload.at());
        r.put("ok", reload.ok());
        r.put("errors", reload.errors());
        return r;
    }
}
