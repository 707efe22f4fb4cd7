package io.netfence.agent.api;

/** What the API does; the transport only routes to it. */
public interface ApiRoutes {
    ApiResponse health();

    ApiResponse policies();

    /** @param source a name for the document in error messages (the client's file name) */
    ApiResponse apply(String source, String yaml);

    ApiResponse delete(String name);

    EventSource events();

    default ApiResponse notFound(String method, String path) {
        return ApiResponse.error(404, "no such endpoint: " + method + " " + path);
    }
}
