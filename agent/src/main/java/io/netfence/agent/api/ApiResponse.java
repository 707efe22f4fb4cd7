package io.netfence.agent.api;

/** An HTTP status and a JSON body. */
public record ApiResponse(int status, Object body) {
    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse error(int status, Object errors) {
        return new ApiResponse(status, java.util.Map.of("errors", errors instanceof java.util.List<?> ? errors : java.util.List.of(errors)));
    }
}
