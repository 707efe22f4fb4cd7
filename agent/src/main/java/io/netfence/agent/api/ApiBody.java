package io.netfence.agent.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Every body the control API answers with, as {@link ApiJson} writes it (snake_case on the wire). */
public sealed interface ApiBody {
    /** GET /v1/health. */
    record Health(String status, long pid, Instant started, ReloadReport lastReload, String packetSockets,
                  FlowHistoryView flowHistory) implements ApiBody {}

    /**
     * The agent's flow history (config flow_history) and the kernel's flow map it lives in.
     * capacity: flows nf_flows holds (maxFlows is what the config asks; a pinned map keeps its own);
     * memoryBytes: kernel memory of the map, preallocated for its capacity (estimated from the
     * kernel's hash map layout); records: entries at
     * the last sweep (sweptAt), null before one; expired: records deleted for maxAgeSeconds.
     */
    record FlowHistoryView(boolean enabled, long maxAgeSeconds, int maxFlows, int capacity, long memoryBytes, Integer records,
                           Instant sweptAt, long expired) {}

    /** How the last reload went; on errors the policies in force before it stayed in force. */
    record ReloadReport(Instant at, boolean ok, List<String> errors) {}

    /** GET /v1/policies; conflicts: cgroup path → why its policies are not (fully) applied. */
    record PolicyList(List<PolicyView> policies, Map<String, String> conflicts, ReloadReport lastReload) implements ApiBody {}

    /** One policy: mode is "enforce" or "audit"; rules as written; the cgroups it is in force on. */
    record PolicyView(String name, String target, String mode, String source, List<String> egress, List<String> ingress,
                      List<String> cgroups) {}

    /** POST /v1/policies: the names of the policies now in force from the document. */
    record Applied(List<String> applied) implements ApiBody {}

    /** DELETE /v1/policies/NAME. */
    record Deleted(String deleted) implements ApiBody {}

    /** Any 4xx or 5xx answer. */
    record Errors(List<String> errors) implements ApiBody {}

    /**
     * POST /v1/runs on the run socket: the answer to {@link RunRequest}; id names the run from now
     * on. launch: for a request with args, the options nf-sandbox goes on with (--netns, --user U,
     * --keep-privileges), as the agent read them.
     */
    record RunStarted(String id, String cgroup, List<String> inherited, List<String> launch) implements ApiBody {}

    /**
     * GET /v1/flows/NAME[?since=SECONDS]: the flows a policy recorded (learn mode, or flow history),
     * over every cgroup it was on, last seen within SECONDS if given. recording: whether the
     * policy records at all; omitted: records left out beyond the answer's bound, the least
     * recently seen; capacity: how many flows the kernel keeps for all recording policies together.
     */
    record Flows(String policy, List<FlowView> flows, int capacity, boolean recording, int omitted, FlowHistoryView history)
            implements ApiBody {}

    /**
     * One recorded flow. remote: the peer's address; protocol: its IP protocol number; ports:
     * the remote port on egress, the local one on ingress (portFrom..portTo, 0..0 for none).
     */
    record FlowView(boolean ingress, String remote, int protocol, int portFrom, int portTo, boolean own, long packets,
                    long bytes, long denied, Instant first, Instant last) {}

    /**
     * DELETE /v1/runs/ID: what the run's policies denied; summary: the line run prints after the
     * command, empty when nothing was denied.
     */
    record RunFinished(long denials, List<String> recent, boolean audit, String summary) implements ApiBody {
        public RunFinished(long denials, List<String> recent, boolean audit) {
            this(denials, recent, audit, RunSummary.line(denials, recent, audit));
        }
    }
}
