package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.RulesetInfo;
import io.netfence.agent.policy.Policy;
import io.netfence.loader.BpfException;
import io.netfence.loader.Errno;
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
    /** Larger policies are checked against the room in the maps before a single entry is written. */
    private static final int CHECKED_BEFORE_WRITING = 65536;

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
        if (compiled.egress().entries().size() + compiled.ingress().entries().size() > CHECKED_BEFORE_WRITING) {
            store.checkCapacity(compiled.egress(), compiled.ingress());
        }
        int egress;
        int ingress;
        try {
            egress = store.write(owner, compiled.egress());
        } catch (BpfException e) {
            throw explained(e, compiled);
        }
        try {
            ingress = store.write(owner, compiled.ingress());
        } catch (BpfException e) {
            store.delete(Set.of(egress));
            throw explained(e, compiled);
        } catch (IOException | RuntimeException e) {
            store.delete(Set.of(egress));
            throw e;
        }
        Policy policy = compiled.policy();
        return new AppliedPolicy(policy.name(), policyId == 0 ? egress : policyId, egress, ingress, policy.audit(),
                policy.allowsPacketSockets(), policy.learn(), compiled.egress().names(), compiled.ingress().names());
    }

    /**
     * A write the maps had no room for (a full hash map says E2BIG, a full trie ENOSPC) says so as
     * {@link RulesetStore#checkCapacity} would have: a small policy is not checked first, which
     * would scan every ruleset's bookkeeping on every change.
     */
    private BpfException explained(BpfException failure, Compiled compiled) throws BpfException {
        if (failure.errno() == Errno.E2BIG || failure.errno() == Errno.ENOSPC) {
            store.checkCapacity(compiled.egress(), compiled.ingress()); // throws PolicyTooLargeException, as it would have before
        }
        return failure;
    }

    /**
     * Deletes those of the {@code candidates} the owners {@code owners} accepts that no attached
     * cgroup points at: the rulesets a cgroup pointed at before it was pointed elsewhere or
     * released. Every cgroup's slots are read only when there is a candidate.
     */
    void deleteIfUnreferenced(Set<Integer> candidates, Predicate<RulesetOwner> owners) throws IOException {
        Set<Integer> owned = new HashSet<>();
        for (int id : candidates) {
            store.info(id).filter(info -> owners.test(new RulesetOwner(info.owner()))).ifPresent(info -> owned.add(id));
        }
        if (owned.isEmpty()) {
            return;
        }
        owned.removeAll(attachments.referencedRulesets(state));
        store.delete(owned);
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
