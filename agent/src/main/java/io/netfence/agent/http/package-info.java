/**
 * The Netty HTTP/1.1 server both of the agent's listeners run on (the control API on its unix
 * socket, /metrics on TCP), with the bounds every request meets before a handler sees it: a cap
 * on connections, a deadline for the whole request, a body size limit answered with 413 up front,
 * and 400 for requests the codec could not decode. One request per connection.
 *
 * <p>May use Netty and the JDK only; it knows nothing of policies or JSON.
 */
package io.netfence.agent.http;
