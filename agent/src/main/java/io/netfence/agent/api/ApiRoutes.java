package io.netfence.agent.api;

/**
 * What the API does; the transport only routes to it. {@link #health} and {@link #events} are
 * answered on the event loop and must not block; the others run on the API's worker threads.
 */
public interface ApiRoutes {
    ApiResponse health();

    ApiResponse policies();

    /** @param source a name for the document in error messages (the client's file name) */
    ApiResponse apply(String source, String yaml);

    /** @param name as the client sent it, decoded: it may be anything, and is checked before use */
    ApiResponse delete(String name);

    EventSource events();

    /**
     * @param policy as the client sent it, decoded: checked before use
     * @param since  the query's since parameter as sent (seconds), null when absent: checked before use
     */
    default ApiResponse flows(String policy, String since) {
        return ApiResponse.error(404, "this agent records no flows");
    }
}
