package io.netfence.agent.datapath;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.policy.Policy;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the agent's reconciler needs from the kernel, and no more. A policy change follows one
 * protocol: {@link #write} the new rulesets, {@link #point} each cgroup at them in one storage
 * update, then {@link #deleteUnreferencedAgentRulesets} the old ones, which goes only for rulesets
 * no cgroup points at. {@link KernelDatapath} is the kernel's implementation.
 */
public interface Datapath {

    /**
     * Writes a policy's rulesets for an owner; nothing points at them until {@link #point}.
     *
     * @param policyId the id events report the policy by
     * @throws PolicyTooLargeException when the policy does not fit beside what is in the maps
     */
    AppliedPolicy write(Policy policy, RulesetOwner owner, int policyId) throws IOException;

    /**
     * Points a cgroup at written policies (attaching netfence first if needed) in one storage
     * update. On failure the cgroup keeps what it had.
     *
     * @param dnsPort the port of the DNS proxy its queries are steered to where a policy has name rules; 0: none
     */
    void point(Cgroup cgroup, List<AppliedPolicy> policies, AttachmentRecord record, int dnsPort) throws IOException;

    /** Deletes every agent's rulesets that no cgroup points at, except {@code kept}. */
    void deleteUnreferencedAgentRulesets(Set<Integer> kept) throws IOException;

    /** The cgroups netfence has attachments on, with what their records say. */
    Map<Long, Optional<AttachmentRecord>> attachments() throws IOException;

    /** The record of one cgroup netfence is attached to, if any. */
    Optional<AttachmentRecord> attachment(long cgroupId) throws IOException;

    /**
     * Removes netfence from the cgroup, and the rulesets only it used. Returns false when
     * netfence was not attached there.
     */
    boolean detach(long cgroupId) throws IOException;
}
