package io.netfence.agent.cli;

import io.netfence.agent.api.ApiClient;
import io.netfence.agent.config.AgentConfig;
import io.netfence.agent.config.PolicyFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine.Option;

/**
 * Where the agent's socket is (--socket, else the agent config's {@code socket}) and how long to
 * wait for it, for the commands that talk to the agent; and reading its JSON replies.
 */
public final class ApiOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The agent's config, for its socket (default: ${DEFAULT-VALUE}).")
    Path config = AgentConfig.DEFAULT_FILE;

    @Option(names = "--socket", paramLabel = "PATH", description = "The agent's control socket (default: the config's 'socket').")
    Path socket;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up when the agent has not answered within this "
            + "(default: ${DEFAULT-VALUE}).")
    double timeoutSeconds = ApiClient.DEFAULT_TIMEOUT.toSeconds();

    ApiClient client() throws IOException {
        if (!(timeoutSeconds > 0)) {
            throw new UsageException("--timeout must be more than 0 seconds");
        }
        return new ApiClient(socket(), Duration.ofMillis((long) (timeoutSeconds * 1000)));
    }

    Path socket() throws IOException {
        if (socket != null) {
            return socket;
        }
        try {
            return AgentConfig.load(config).socket();
        } catch (PolicyFileException e) {
            throw new UsageException(e.getMessage());
        }
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
