package io.netfence.agent.api;

/**
 * What the run socket does: start and finish unprivileged runs. Both run on the API's worker
 * threads; each answers for the peer the kernel names, whatever the request claims.
 */
public interface RunRoutes {
    ApiResponse start(Peer peer, RunRequest request);

    ApiResponse finish(Peer peer, String id);
}
