package io.netfence.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CLI's client says when the agent is missing, silent or refuses a body. */
class ApiClientTest {
    @TempDir
    Path dir;

    @Test
    void noSocketMeansNoAgent() {
        Path socket = dir.resolve("netfence.sock");
        ApiClient.AgentUnreachableException e = assertThrows(ApiClient.AgentUnreachableException.class,
                () -> new ApiClient(socket).get("/v1/health"));
        assertTrue(e.getMessage().startsWith("no netfence agent is running (no socket at " + socket), e.getMessage());
    }

    @Test
    void anAgentThatDoesNotAnswerTimesOut() throws Exception {
        Path socket = dir.resolve("silent.sock");
        try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.bind(UnixDomainSocketAddress.of(socket)); // accepts into the backlog, never answers
            long start = System.nanoTime();
            ApiClient.AgentUnreachableException e = assertThrows(ApiClient.AgentUnreachableException.class,
                    () -> new ApiClient(socket, Duration.ofMillis(300)).get("/v1/health"));
            assertTrue(e.getMessage().contains("did not answer within 0.3 s"), e.getMessage());
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "bounded by the timeout, not hung");
        }
    }

    @Test
    void anOverLimitBodyReadsThe413TheAgentSentBeforeClosing() throws Exception {
        Path socket = dir.resolve("run/netfence.sock");
        Files.createDirectories(socket.getParent());
        try (ApiServer server = ApiServer.start(socket, new InMemoryRoutes(), ApiServer.LIMITS, (Integer) Files.getAttribute(dir, "unix:uid"))) {
            ApiClient.Reply reply = new ApiClient(socket).post("/v1/policies", "big.yaml", "#" + "x".repeat(6 * 1024 * 1024));
            assertEquals(413, reply.status(), reply.body());
            assertTrue(reply.body().contains("over the limit"), reply.body());
        }
    }
}
