package io.netfence.agent.api;

/**
 * What the run socket does: start and finish unprivileged runs, and show their events. Both run on the API's worker
 * threads; each answers for the peer the kernel names, whatever the request claims.
 */
public interface RunRoutes {
    ApiResponse start(Peer peer, RunRequest request);

    ApiResponse finish(Peer peer, String id);

    /** Denial events; the run socket shows a peer only those of its own runs. */
    EventSource events();

    /** Whether an event is of one of the peer's runs. */
    boolean isOwnEvent(Peer peer, DenialRecord event);
}
