package io.netfence.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.http.HttpLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's transport on a real unix socket, against in-memory routes: no root, no kernel. */
class ApiServerTest {
    private static final String SIX_MB_LINE = "#" + "x".repeat(6 * 1024 * 1024);
    @TempDir
    Path dir;
    private final InMemoryRoutes routes = new InMemoryRoutes();
    private ApiServer server;
    private Path socket;

    private void start(HttpLimits limits) throws IOException {
        socket = dir.resolve("run/netfence.sock");
        Files.createDirectories(socket.getParent());
        server = ApiServer.start(socket, routes, limits, ownUid());
    }

    private void start() throws IOException {
        start(ApiServer.LIMITS);
    }

    private int ownUid() throws IOException {
        return (Integer) Files.getAttribute(dir, "unix:uid");
    }

    @AfterEach
    void stop() throws IOException {
        routes.holdApply.countDown();
        if (server != null) {
            server.close();
        }
    }

    private static String post(String body) {
        return "POST /v1/policies HTTP/1.1\r\nHost: x\r\nX-Netfence-Source: big.yaml\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private String health() throws Exception {
        return RawClient.exchange(socket, "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    @Test
    void healthAnswersWhileAnApplyIsBeingWorkedOn() throws Exception {
        start();
        routes.holdApply = new CountDownLatch(1);
        String body = "#" + "x".repeat(3 * 1024 * 1024);
        CompletableFuture<String> apply = CompletableFuture.supplyAsync(() -> {
            try {
                return RawClient.exchange(socket, post(body));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(routes.applyStarted.await(10, TimeUnit.SECONDS), "the apply reached its route");
        String health = CompletableFuture.supplyAsync(() -> {
            try {
                return health();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).get(5, TimeUnit.SECONDS);
        assertTrue(health.startsWith("HTTP/1.1 200"), health);
        routes.holdApply.countDown();
        assertTrue(apply.get(10, TimeUnit.SECONDS).startsWith("HTTP/1.1 200"));
        assertEquals(1, routes.applied.size());
    }

    @Test
    void aSixMegabyteBodyIsRefusedWith413AndHealthStillAnswers() throws Exception {
        start();
        try (RawClient big = new RawClient(socket)) {
            byte[] head = ("POST /v1/policies HTTP/1.1\r\nHost: x\r\nContent-Length: " + SIX_MB_LINE.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            big.send(head);
            assertTrue(health().startsWith("HTTP/1.1 200"), "health answers while a big body waits");
            big.send(SIX_MB_LINE.getBytes(StandardCharsets.US_ASCII));
            String reply = big.readAll(10);
            assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
            assertTrue(reply.contains("over the limit of 4194304 bytes"), reply);
        }
        assertEquals(0, routes.applied.size(), "the route never saw it");
    }

    @Test
    void aChunkedBodyOverTheLimitIsCutOffWith413() throws Exception {
        start();
        StringBuilder request = new StringBuilder("POST /v1/policies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        String chunk = "y".repeat(1024 * 1024);
        for (int i = 0; i < 6; i++) {
            request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        request.append("0\r\n\r\n");
        String reply = RawClient.exchange(socket, request.toString());
        assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
        assertEquals(0, routes.applied.size());
    }

    @Test
    void malformedRequestsGet400NeverAnEmptyApply() throws Exception {
        start();
        String[] requests = {
            "POST /v1/policies HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            "POST /v1/policies HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "POST /v1/policies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            "DELETE /v1/policies/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        };
        for (String request : requests) {
            String reply = RawClient.exchange(socket, request);
            assertTrue(reply.startsWith("HTTP/1.1 400"), request + " -> " + reply);
            assertTrue(reply.contains("\"errors\""), reply);
        }
        assertEquals(0, routes.applied.size());
    }

    @Test
    void aBodyThatIsNotUtf8Gets400() throws Exception {
        start();
        try (RawClient client = new RawClient(socket)) {
            client.send("POST /v1/policies HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.send(new byte[] {(byte) 0xff, (byte) 0xfe});
            String reply = client.readAll(10);
            assertTrue(reply.startsWith("HTTP/1.1 400") && reply.contains("not UTF-8"), reply);
        }
    }

    @Test
    void errorsInARouteBecomeOneLineAnswers() throws Exception {
        start();
        routes.applyOverflowsStack = true;
        String overflow = RawClient.exchange(socket, post("a: 1"));
        assertTrue(overflow.startsWith("HTTP/1.1 400") && overflow.contains("nested too deeply"), overflow);
        routes.applyOverflowsStack = false;
        routes.applyFailure = new IllegalStateException("line one\nline two " + "z".repeat(10_000));
        String failure = RawClient.exchange(socket, post("a: 1"));
        assertTrue(failure.startsWith("HTTP/1.1 500"), failure);
        String body = failure.substring(failure.indexOf("\r\n\r\n") + 4).strip();
        assertTrue(body.length() < MessageLimits.MAX_LINE_CHARS + 40 && !body.contains("\\n"), body);
    }

    @Test
    void aSlowClientIsTimedOutWith408() throws Exception {
        start(new HttpLimits(1024, Duration.ofMillis(300), 4));
        try (RawClient slow = new RawClient(socket)) {
            slow.send("POST /v1/policies HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab".getBytes(StandardCharsets.US_ASCII));
            String reply = slow.readAll(10);
            assertTrue(reply.startsWith("HTTP/1.1 408"), reply);
        }
    }

    @Test
    void connectionsOverTheCapGet503() throws Exception {
        start(new HttpLimits(1024, Duration.ofSeconds(30), 2));
        try (RawClient first = new RawClient(socket); RawClient second = new RawClient(socket)) {
            first.send("GET /v1/hea".getBytes(StandardCharsets.US_ASCII)); // slow, not silent: not closed for a newcomer
            second.send("GET /v1/hea".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(100);
            String third = RawClient.exchange(socket, "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(third.startsWith("HTTP/1.1 503"), third);
        }
        assertTrue(eventuallyHealthy(), "the cap frees up when connections close");
    }

    @Test
    void idleConnectionsMakeRoomForARequest() throws Exception {
        start(new HttpLimits(1024, Duration.ofSeconds(30), 4));
        java.util.List<RawClient> idle = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                idle.add(new RawClient(socket));
            }
            String reply = health();
            assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
        } finally {
            for (RawClient client : idle) {
                client.close();
            }
        }
    }

    private boolean eventuallyHealthy() throws Exception {
        for (int i = 0; i < 100; i++) {
            if (health().startsWith("HTTP/1.1 200")) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Test
    void closeIsBoundedWhateverRoutesAndClientsAreDoing() throws Exception {
        start();
        routes.holdApply = new CountDownLatch(1);
        try (RawClient applying = new RawClient(socket); RawClient slow = new RawClient(socket); RawClient idle = new RawClient(socket)) {
            applying.send(post("policies: []\n").getBytes(StandardCharsets.UTF_8));
            assertTrue(routes.applyStarted.await(10, TimeUnit.SECONDS), "the apply reached its route");
            slow.send("POST /v1/policies HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nab".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            server.close();
            server = null;
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1500, "close took " + millis + " ms");
            assertTrue(Files.notExists(socket));
        }
    }

    @Test
    void anotherUsersConnectionIsRefused() throws Exception {
        socket = dir.resolve("other/netfence.sock");
        server = ApiServer.start(socket, routes, ApiServer.LIMITS, ownUid() + 1);
        String reply = health();
        assertTrue(reply.startsWith("HTTP/1.1 403") && reply.contains("root only"), reply);
    }

    @Test
    void theSocketIsPrivateAndRemovedOnClose() throws Exception {
        start();
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        server.close();
        server = null;
        assertTrue(!Files.exists(socket));
    }

    @Test
    void eventsAreServedRecentOrFollowedAndFilteredByPolicy() throws Exception {
        start();
        DenialRecord other = new DenialRecord(ApiJsonTest.EVENT.time(), "audit", "db", "/test/db", 7, null, 12, "psql", "egress",
                "connect", "198.18.0.9:5432/tcp", "198.18.0.9", 5432, "tcp", 0, null);
        routes.events.add(ApiJsonTest.EVENT);
        routes.events.add(other);
        String recent = RawClient.exchange(socket, "GET /v1/events?policy=web HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(recent.startsWith("HTTP/1.1 200"), recent);
        assertTrue(recent.contains(ApiJson.write(ApiJsonTest.EVENT) + "\n") && !recent.contains("psql"), recent);
        try (RawClient follower = new RawClient(socket)) {
            follower.send("GET /v1/events?follow=1&policy=db HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 200 && routes.subscribers.isEmpty(); i++) {
                Thread.sleep(10);
            }
            routes.subscribers.forEach(s -> s.accept(ApiJsonTest.EVENT));
            routes.subscribers.forEach(s -> s.accept(other));
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return follower.readAll(10);
                } catch (Exception e) {
                    return e.toString();
                }
            });
            Thread.sleep(200);
            follower.close();
            String streamed = read.get(10, TimeUnit.SECONDS);
            assertTrue(streamed.contains("\"comm\":\"psql\"") && !streamed.contains("\"policy\":\"web\""), streamed);
        }
    }
}
