package io.netfence.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.api.ApiResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's actions against an in-memory agent that reads the real policy directories. */
class AgentRoutesTest {
    @TempDir
    Path home;
    private InMemoryAgent agent;
    private AgentRoutes routes;

    @BeforeEach
    void start() throws IOException {
        agent = new InMemoryAgent(home, 3);
        routes = new AgentRoutes(agent);
        agent.reloadAndWait();
    }

    static String policy(String name, String... rules) {
        StringBuilder yaml = new StringBuilder("policies:\n  - name: " + name + "\n    target: /test/" + name + "\n    egress:\n");
        for (String rule : rules) {
            yaml.append("      - ").append(rule).append('\n');
        }
        return yaml.toString();
    }

    private List<String> apiFiles() throws IOException {
        Path dir = agent.config().apiPoliciesDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static String errors(ApiResponse response) {
        return String.valueOf(response.body());
    }

    @Test
    void anAcceptedApplyIsStoredAndInForce() throws IOException {
        ApiResponse response = routes.apply("web.yaml", policy("web", "deny 198.18.0.2"));
        assertEquals(200, response.status(), errors(response));
        assertEquals(List.of("web.yaml"), apiFiles());
        assertEquals(List.of("web"), agent.policiesInForce());
    }

    @Test
    void aDocumentThatDoesNotParseChangesNothing() throws IOException {
        ApiResponse response = routes.apply("bad.yaml", policy("web", "deny 198.18.0.300"));
        assertEquals(400, response.status());
        assertTrue(errors(response).contains("bad.yaml:5:"), errors(response));
        assertEquals(List.of(), apiFiles());
    }

    @Test
    void anApplyTheAgentRefusesLeavesNothingBehindAndLaterReloadsPass() throws IOException {
        assertEquals(200, routes.apply("web.yaml", policy("web", "deny 198.18.0.2")).status());
        ApiResponse refused = routes.apply("big.yaml", policy("big", "deny 198.18.0.3", "deny 198.18.0.4", "deny 198.18.0.5"));
        assertEquals(400, refused.status());
        assertTrue(errors(refused).contains("holds 3 rules"), errors(refused));
        assertEquals(List.of("web.yaml"), apiFiles(), "the refused policy's file is gone");
        assertTrue(agent.reloadAndWait().ok(), "a later reload (SIGHUP, a file change) is not refused for it");
        assertEquals(List.of("web"), agent.policiesInForce());
    }

    @Test
    void aRefusedReplacementPutsTheOldFileBack() throws IOException {
        assertEquals(200, routes.apply("web.yaml", policy("web", "deny 198.18.0.2")).status());
        String stored = Files.readString(agent.config().apiPoliciesDir().resolve("web.yaml"));
        assertEquals(400, routes.apply("web2.yaml", policy("web", "deny 198.18.0.2", "deny 198.18.0.3", "deny 198.18.0.4",
                "deny 198.18.0.5")).status());
        assertEquals(stored, Files.readString(agent.config().apiPoliciesDir().resolve("web.yaml")));
    }

    @Test
    void aNameTheOperatorOwnsIsAConflict() throws IOException {
        Files.createDirectories(agent.config().policiesDir());
        Files.writeString(agent.config().policiesDir().resolve("web.yaml"), policy("web", "deny 198.18.0.2"));
        ApiResponse response = routes.apply("mine.yaml", policy("web", "deny 198.18.0.3"));
        assertEquals(409, response.status());
        assertEquals(List.of(), apiFiles());
    }

    @Test
    void deleteRemovesAnAppliedPolicy() throws IOException {
        routes.apply("web.yaml", policy("web", "deny 198.18.0.2"));
        assertEquals(200, routes.delete("web").status());
        assertEquals(List.of(), apiFiles());
        assertEquals(List.of(), agent.policiesInForce());
        ApiResponse missing = routes.delete("web");
        assertEquals(404, missing.status());
        assertTrue(errors(missing).contains("no policy named 'web'"));
    }

    @Test
    void deleteOfAnInvalidNameIs400NamingTheProblem() {
        ApiResponse nul = routes.delete("web\u0000.yaml");
        assertEquals(400, nul.status());
        assertTrue(errors(nul).contains("control character") && errors(nul).contains("web\\u0000.yaml"), errors(nul));
        for (String name : new String[] {"../etc/passwd", "a/b", "", "UPPER", "x".repeat(64)}) {
            ApiResponse response = routes.delete(name);
            assertEquals(400, response.status(), name);
            assertTrue(errors(response).contains("invalid policy name"), errors(response));
        }
    }

    @Test
    void healthAndPoliciesReportTheLastReload() throws IOException {
        routes.apply("web.yaml", policy("web", "deny 198.18.0.2"));
        assertEquals(200, routes.health().status());
        ApiResponse policies = routes.policies();
        assertEquals(200, policies.status());
        assertTrue(String.valueOf(policies.body()).contains("deny 198.18.0.2"), String.valueOf(policies.body()));
        assertFalse(String.valueOf(routes.health().body()).contains("ok=false"));
    }

    @Test
    void flowsTakeASinceInSecondsAndSayWhetherThePolicyRecords() throws IOException {
        routes.apply("web.yaml", policy("web", "deny 198.18.0.2"));

        ApiResponse answer = routes.flows("web", "3600");
        assertEquals(200, answer.status(), errors(answer));
        assertEquals(java.time.Duration.ofHours(1), agent.sinceAsked);
        assertFalse(((io.netfence.agent.api.ApiBody.Flows) answer.body()).recording()); // flow_history off, not learning
        assertEquals(200, routes.flows("web", null).status());
        assertEquals(null, agent.sinceAsked);

        for (String bad : new String[] {"0", "1h", "-5", "99999999999", ""}) {
            ApiResponse refused = routes.flows("web", bad);
            assertEquals(400, refused.status(), bad);
            assertTrue(errors(refused).contains("is not a number of seconds from 1 to 315360000"), errors(refused));
        }
        assertEquals(404, routes.flows("absent", "60").status());
    }
}
