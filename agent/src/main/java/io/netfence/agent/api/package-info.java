/**
 * The control API: its vocabulary (the {@link io.netfence.agent.api.ApiBody} records and
 * {@link io.netfence.agent.api.DenialRecord}), its one JSON codec, the agent's server on the
 * unix socket and the CLI's client. The server routes to {@link io.netfence.agent.api.ApiRoutes}
 * and runs slow routes on bounded worker threads, never on the event loop.
 *
 * <p>May use http/, Netty and jackson-jr; knows nothing of the kernel, policies or the daemon
 * (the daemon implements {@code ApiRoutes}).
 */
package io.netfence.agent.api;
