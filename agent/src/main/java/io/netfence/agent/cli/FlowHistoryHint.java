package io.netfence.agent.cli;

/** How to turn the agent's flow history on, said the same wherever it is missing. */
final class FlowHistoryHint {
    static final String TEXT = "to record the flows of every agent policy, set 'flow_history: {enabled: true}' in the agent's "
            + "config and restart the agent";

    private FlowHistoryHint() {}
}
