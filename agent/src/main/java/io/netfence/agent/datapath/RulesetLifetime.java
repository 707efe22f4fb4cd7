package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.RulesetInfo;
import io.netfence.agent.policy.Policy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * When rulesets are born and when they die, decided here and nowhere else. A ruleset is written
 * whole under a fresh id before anything points at it, and deleted only once no attached cgroup
 * points at it and its owner no longer keeps it: an agent keeps the rulesets of the policies it
 * has in force, a dead owner keeps nothing.
 */
final class RulesetLifetime {
    private final PinnedState state;
    private final RulesetStore store;
    private final CgroupAttachments attachments;

    /** A policy compiled outside the host lock: compiling a large one takes a while. */
    record Compiled(Policy policy, CompiledRuleset egress, CompiledRuleset ingress) {
        static Compiled of(Policy policy) {
            return new Compiled(policy, PolicyCompiler.compile(policy.egress(), policy.egressNames()),
                    PolicyCompiler.compile(policy.ingress(), policy.ingressNames()));
        }
    }

    RulesetLifetime(PinnedState state, Path runtimeDirectory, CgroupAttachments attachments) {
        this.state = state;
        this.store = new RulesetStore(state, runtimeDirectory);
        this.attachments = attachments;
    }

    /**
     * Writes a policy's two rulesets; nothing points at them yet.
     *
     * @param policyId the id events report the policy by; 0 to use the egress ruleset's
     * @throws PolicyTooLargeException when the policy does not fit beside what is in the maps
     */
    AppliedPolicy write(Compiled compiled, RulesetOwner owner, int policyId) throws IOException {
        store.checkCapacity(compiled.egress(), compiled.ingress());
        int egress = store.write(owner, compiled.egress());
        int ingress;
        try {
            ingress = store.write(owner, compiled.ingress());
        } catch (IOException | RuntimeException e) {
            store.delete(Set.of(egress));
            throw e;
        }
        Policy policy = compiled.policy();
        return new AppliedPolicy(policy.name(), policyId == 0 ? egress : policyId, egress, ingress, policy.audit(),
                policy.allowsPacketSockets(), policy.learn(), compiled.egress().names(), compiled.ingress().names());
    }

    /**
     * Deletes the rulesets of the owners {@code owners} accepts that no attached cgroup points
     * at, except those in {@code kept}.
     */
    void deleteUnreferenced(Predicate<RulesetOwner> owners, Set<Integer> kept) throws IOException {
        Set<Integer> referenced = attachments.referencedRulesets(state);
        Set<Integer> unused = new HashSet<>();
        for (Map.Entry<Integer, RulesetInfo> e : store.registered().entrySet()) {
            int id = e.getKey();
            if (owners.test(new RulesetOwner(e.getValue().owner())) && !kept.contains(id) && !referenced.contains(id)) {
                unused.add(id);
            }
        }
        store.delete(unused);
    }

    MapFill fill() throws IOException {
        long entries = 0;
        long lists = 0;
        for (RulesetInfo info : store.registered().values()) {
            entries += info.entries();
            lists += info.portLists();
        }
        return new MapFill(entries, state.rules.maxEntries(), lists, state.portLists.maxEntries());
    }
}
