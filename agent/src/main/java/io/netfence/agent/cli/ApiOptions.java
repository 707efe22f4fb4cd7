package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody;
import io.netfence.agent.api.ApiClient;
import io.netfence.agent.api.ApiJson;
import io.netfence.agent.config.AgentConfig;
import io.netfence.agent.config.PolicyFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the agent's socket is (--socket, else the agent config's {@code socket}) and how long to
 * wait for it, for the commands that talk to the agent; and reading its replies.
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

    /** The reply's body as {@code type}; an error answer becomes a usage error with the agent's messages. */
    static <T> T body(ApiClient.Reply reply, Class<T> type) throws IOException {
        if (reply.status() >= 400) {
            List<String> errors = errors(reply);
            throw new UsageException(errors.size() == 1 ? errors.get(0) : errors.size() + " errors:\n  " + String.join("\n  ", errors));
        }
        return ApiJson.read(reply.body(), type);
    }

    private static List<String> errors(ApiClient.Reply reply) {
        try {
            ApiBody.Errors errors = ApiJson.read(reply.body(), ApiBody.Errors.class);
            if (errors != null && errors.errors() != null && !errors.errors().isEmpty()) {
                return errors.errors();
            }
        } catch (IOException e) {
            // not the API's error body: say what is known
        }
        return List.of("the agent answered " + reply.status());
    }
}
