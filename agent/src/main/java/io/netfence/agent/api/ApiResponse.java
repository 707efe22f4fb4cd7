package io.netfence.agent.api;

import java.util.List;
import java.util.Map;

/** An HTTP status and a JSON body; error messages are cut to {@link MessageLimits}. */
public record ApiResponse(int status, Object body) {
    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse error(int status, String error) {
        return error(status, List.of(error));
    }

    public static ApiResponse error(int status, List<String> errors) {
        return new ApiResponse(status, Map.of("errors", MessageLimits.cut(errors)));
    }
}
