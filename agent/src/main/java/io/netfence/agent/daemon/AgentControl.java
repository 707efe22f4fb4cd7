package io.netfence.agent.daemon;

import io.netfence.agent.config.AgentConfig;
import io.netfence.agent.daemon.events.EventHub;
import java.io.IOException;
import java.time.Instant;

/**
 * What the API's routes need of the agent, and no more: the agent implements it over the
 * kernel; tests implement it in memory. Every method but {@link #status} and
 * {@link #reloadAndWait} answers at once.
 */
interface AgentControl {
    AgentConfig config();

    /** Reloads every policy directory and waits for the result. */
    ReloadResult reloadAndWait() throws IOException;

    ReloadResult lastReload();

    Instant started();

    /** Whether and how packet and XDP sockets are policed on this host, in one line. */
    String packetSockets();

    AgentStatus status() throws IOException;

    EventHub events();

    /** The flows a policy in learn mode recorded, merged over its cgroups; empty for an unknown policy. */
    default java.util.Optional<java.util.List<io.netfence.agent.learn.ObservedFlow>> flows(String policy) throws IOException {
        return java.util.Optional.empty();
    }

    /** How many flows the kernel keeps for every learning policy together. */
    default int flowCapacity() throws IOException {
        return 0;
    }
}
