package io.netfence.agent.cli;

import io.netfence.agent.api.ApiClient;
import io.netfence.agent.config.AgentConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine.Option;

/** --socket, and reading the agent's JSON replies, for the commands that talk to the agent. */
public final class ApiOptions {
    @Option(names = "--socket", paramLabel = "PATH", description = "The agent's control socket (default: ${DEFAULT-VALUE}).")
    Path socket = AgentConfig.DEFAULTS.socket();

    ApiClient client() {
        return new ApiClient(socket);
    }

    /** The reply's JSON body (JSON is YAML, so the YAML loader reads it); errors become exceptions. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> body(ApiClient.Reply reply) throws IOException {
        Object parsed = new Load(LoadSettings.builder().build()).loadFromString(reply.body());
        Map<String, Object> body = parsed instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        if (reply.status() >= 400) {
            Object errors = body.getOrDefault("errors", List.of("the agent answered " + reply.status()));
            List<String> lines = errors instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(errors));
            throw new UsageException(lines.size() == 1 ? lines.get(0) : lines.size() + " errors:\n  " + String.join("\n  ", lines));
        }
        return body;
    }
}
