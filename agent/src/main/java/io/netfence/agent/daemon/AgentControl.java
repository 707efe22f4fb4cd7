package io.netfence.agent.daemon;

import io.netfence.agent.config.AgentConfig;
import io.netfence.agent.config.FlowHistory;
import io.netfence.agent.daemon.events.EventHub;
import io.netfence.agent.learn.ObservedFlow;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the API's routes need of the agent, and no more: the agent implements it over the
 * kernel; tests implement it in memory. Every method but {@link #status}, {@link #flows} and
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

    /**
     * The flows a policy recorded, merged over its cgroups.
     *
     * @param omitted   records left out of the answer, the least recently seen (see FlowHistoryKeeper)
     * @param recording whether the policy records its flows (learn mode, or flow history)
     * @param capacity  how many flows the kernel keeps for every recording policy together
     */
    record RecordedFlows(List<ObservedFlow> flows, int omitted, boolean recording, int capacity, FlowHistory history) {}

    /**
     * The flows a policy recorded that were last seen within {@code since} (null: all); empty for
     * a policy not in force.
     */
    default Optional<RecordedFlows> flows(String policy, Duration since) throws IOException {
        return Optional.empty();
    }

    /** The flow history's configuration, capacity and memory; answers at once. */
    FlowHistoryKeeper.Usage flowHistory();
}
