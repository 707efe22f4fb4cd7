package io.netfence.agent.api;

import java.util.List;

/** An HTTP status and its body; error messages are cut to {@link MessageLimits}. */
public record ApiResponse(int status, ApiBody body) {
    public static ApiResponse ok(ApiBody body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse error(int status, String error) {
        return error(status, List.of(error));
    }

    public static ApiResponse error(int status, List<String> errors) {
        return new ApiResponse(status, new ApiBody.Errors(MessageLimits.cut(errors)));
    }
}
