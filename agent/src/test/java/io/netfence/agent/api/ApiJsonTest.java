package io.netfence.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire format the kernel tests and log shippers read stays as it was with the hand-written JSON. */
class ApiJsonTest {
    static final DenialRecord EVENT = new DenialRecord(Instant.parse("2026-11-23T12:00:01Z"), "deny", "web", "/test/web", 42,
            "web.service", null, null, "egress", "connect", "127.0.0.2:1/tcp", "127.0.0.2", 1, "tcp", 3, null);

    @Test
    void eventsAreWrittenInTheirFieldOrderWithSnakeCaseNamesAndNulls() {
        assertEquals("{\"time\":\"2026-11-23T12:00:01Z\",\"action\":\"deny\",\"policy\":\"web\",\"cgroup\":\"/test/web\","
                + "\"cgroup_id\":42,\"unit\":\"web.service\",\"pid\":null,\"comm\":null,\"direction\":\"egress\",\"hook\":\"connect\","
                + "\"destination\":\"127.0.0.2:1/tcp\",\"address\":\"127.0.0.2\",\"port\":1,\"protocol\":\"tcp\",\"suppressed_before\":3,\"name\":null}",
                ApiJson.write(EVENT));
    }

    private static final ApiBody.FlowHistoryView HISTORY = new ApiBody.FlowHistoryView(true, 3600, 65536, 65536, 8_912_896, 12,
            Instant.parse("2026-01-01T00:00:30Z"), 4);

    @Test
    void everyBodyReadsBackAsWritten() throws IOException {
        ApiBody.ReloadReport reload = new ApiBody.ReloadReport(Instant.parse("2026-01-02T03:04:05.678Z"), false,
                List.of("web.yaml:4:14: invalid rule \"x\"\n"));
        List<ApiBody> bodies = List.of(
                new ApiBody.Health("ok", 123, Instant.parse("2026-01-01T00:00:00Z"), reload, null, HISTORY),
                new ApiBody.Health("ok", 123, Instant.parse("2026-01-01T00:00:00Z"), null, null, null),
                new ApiBody.PolicyList(List.of(new ApiBody.PolicyView("web", "/test/web", "enforce", "web.yaml", List.of("deny any"),
                        List.of(), List.of("/test/web"))), Map.of("/test/x", "two policies"), reload),
                new ApiBody.Applied(List.of("a", "b")),
                new ApiBody.Deleted("web"),
                new ApiBody.Errors(List.of("one", "two")),
                new ApiBody.Flows("web", List.of(new ApiBody.FlowView(true, "198.18.0.2", 6, 32768, 65535, false, 3, 180, 1,
                        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:01:00Z"))), 65536, true, 0, HISTORY));
        for (ApiBody body : bodies) {
            assertEquals(body, ApiJson.read(ApiJson.write(body), body.getClass()));
        }
        assertEquals(EVENT, ApiJson.read(ApiJson.write(EVENT), DenialRecord.class));
    }

    @Test
    void healthKeepsItsWireNames() {
        String json = ApiJson.write(new ApiBody.Health("ok", 7, Instant.EPOCH, new ApiBody.ReloadReport(Instant.EPOCH, true, List.of()), "x",
                null));
        assertEquals("{\"status\":\"ok\",\"pid\":7,\"started\":\"1970-01-01T00:00:00Z\",\"last_reload\":"
                + "{\"at\":\"1970-01-01T00:00:00Z\",\"ok\":true,\"errors\":[]},\"packet_sockets\":\"x\",\"flow_history\":null}", json);
    }

    @Test
    void fieldsANewerAgentAddsAreIgnored() throws IOException {
        assertEquals(new ApiBody.Deleted("web"), ApiJson.read("{\"deleted\":\"web\",\"later\":1}", ApiBody.Deleted.class));
    }
}
