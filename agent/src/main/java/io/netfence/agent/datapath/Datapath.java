package io.netfence.agent.datapath;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.CgroupKey;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.datapath.abi.CgroupStats;
import io.netfence.agent.datapath.abi.PolicySlot;
import io.netfence.agent.datapath.abi.RulesetInfo;
import io.netfence.agent.policy.Policy;
import io.netfence.loader.BpfFs;
import io.netfence.loader.BpfLink;
import io.netfence.loader.BpfMap;
import io.netfence.loader.Fd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The only user of the loader: confines cgroups by attaching netfence's programs and writing
 * their policy into the shared maps. Every operation takes the host lock, opens the pinned state,
 * and leaves the kernel either in the new state or in the old one.
 */
public final class Datapath {
    public static final Path DEFAULT_RUNTIME_DIRECTORY = Path.of("/run/netfence");
    private static final Duration CGROUP_DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final CgroupFs cgroups;
    private final PinLayout pins;
    private final Path runtime;
    /** The agent's state, kept open between operations: no CLI unpins anything while an agent runs. */
    private PinnedState kept;

    private Datapath(CgroupFs cgroups, PinLayout pins, Path runtime) {
        this.cgroups = cgroups;
        this.pins = pins;
        this.runtime = runtime;
    }

    /** Finds bpffs (mounting it if needed) and checks that the kernel takes the programs. */
    public static Datapath open(CgroupFs cgroups) throws IOException {
        Datapath datapath = new Datapath(cgroups, PinLayout.under(BpfFs.mountPoint()), DEFAULT_RUNTIME_DIRECTORY);
        datapath.ifLoaded(state -> {
            datapath.collectGarbage(state);
            return null;
        }, null);
        return datapath;
    }

    public CgroupFs cgroups() {
        return cgroups;
    }

    /**
     * Confines the cgroup with the policy, or atomically replaces the policy already there. The
     * processes in it are confined at once; until the new policy is in place the old one holds.
     */
    public void attach(Cgroup cgroup, Policy policy, AttachmentRecord.Kind kind, long ownerPid) throws IOException {
        CompiledRuleset egress = PolicyCompiler.compile(policy.egress());
        CompiledRuleset ingress = PolicyCompiler.compile(policy.ingress());
        locked(state -> {
            RulesetStore store = new RulesetStore(state, runtime);
            AppliedPolicy applied = write(store, policy, egress, ingress, cgroup.id(), 0);
            try {
                List<PolicySlot> previous = new Attacher(state, cgroup).attach(List.of(applied),
                        AttachmentRecord.of(cgroup, List.of(policy), kind, ownerPid));
                store.delete(rulesetsOf(previous));
            } catch (IOException | RuntimeException e) {
                store.delete(applied.rulesets());
                throw e;
            }
            return null;
        });
    }

    /**
     * Writes a policy's rulesets for an owner (see {@link RulesetInfo}); nothing points at them
     * until {@link #point} is called.
     *
     * @throws PolicyTooLargeException when the policy does not fit beside what is in the maps
     */
    public AppliedPolicy write(Policy policy, long owner, int policyId) throws IOException {
        CompiledRuleset egress = PolicyCompiler.compile(policy.egress());
        CompiledRuleset ingress = PolicyCompiler.compile(policy.ingress());
        return locked(state -> write(new RulesetStore(state, runtime), policy, egress, ingress, owner, policyId));
    }

    private static AppliedPolicy write(RulesetStore store, Policy policy, CompiledRuleset egress, CompiledRuleset ingress,
                                       long owner, int policyId) throws IOException {
        store.checkCapacity(egress, ingress);
        int egressId = store.write(owner, egress);
        int ingressId;
        try {
            ingressId = store.write(owner, ingress);
        } catch (IOException | RuntimeException e) {
            store.delete(Set.of(egressId));
            throw e;
        }
        return new AppliedPolicy(policy.name(), policyId == 0 ? egressId : policyId, egressId, ingressId, policy.audit());
    }

    /**
     * Points a cgroup at written policies (attaching netfence first if needed) in one storage
     * update, and returns the slots it had before; their rulesets are the caller's to delete.
     */
    public List<PolicySlot> point(Cgroup cgroup, List<AppliedPolicy> policies, AttachmentRecord record) throws IOException {
        return locked(state -> new Attacher(state, cgroup).attach(policies, record));
    }

    /** Deletes rulesets no cgroup points at any more. */
    public void deleteRulesets(Set<Integer> rulesets) throws IOException {
        ifLoaded(state -> {
            new RulesetStore(state, runtime).delete(rulesets);
            return null;
        }, null);
    }

    /** The rulesets some attached cgroup's policy points at: deleting one of them would open traffic. */
    public Set<Integer> referencedRulesets() throws IOException {
        return ifLoaded(state -> {
            Set<Integer> referenced = new HashSet<>();
            for (long id : attachedIds()) {
                state.cgroupPolicy.lookup(CgroupKey.encode(id)).ifPresent(v -> referenced.addAll(rulesetsOf(CgroupPolicy.decodeSlots(v))));
            }
            return referenced;
        }, Set.of());
    }

    /** Every registered ruleset and its owner. */
    public Map<Integer, RulesetInfo> rulesets() throws IOException {
        return ifLoaded(state -> new RulesetStore(state, runtime).registered(), Map.of());
    }

    /** The cgroups netfence has pinned attachments for, with what the records say of them. */
    public Map<Long, Optional<AttachmentRecord>> attachments() throws IOException {
        return ifLoaded(state -> {
            Map<Long, Optional<AttachmentRecord>> all = new java.util.LinkedHashMap<>();
            for (long id : attachedIds()) {
                all.put(id, AttachmentRecord.load(runtime, id));
            }
            return all;
        }, Map.of());
    }

    /** Removes netfence from the cgroup. Returns false when netfence was not attached there. */
    public boolean detach(long cgroupId) throws IOException {
        return ifLoaded(state -> {
            boolean attached = Files.isDirectory(pins.cgroup(cgroupId));
            release(state, cgroupId);
            return attached;
        }, false);
    }

    private static Set<Integer> rulesetsOf(List<PolicySlot> slots) {
        Set<Integer> ids = new HashSet<>();
        for (PolicySlot slot : slots) {
            ids.add(slot.egressRuleset());
            ids.add(slot.ingressRuleset());
        }
        return ids;
    }

    /** Kills what is left in a {@code run} cgroup, then removes netfence from it and the cgroup. */
    public void detachAndRemove(Cgroup cgroup) throws IOException {
        CgroupFs.killAndRemove(cgroup, CGROUP_DRAIN_TIMEOUT);
        detach(cgroup.id());
    }

    public Optional<CgroupStats> stats(long cgroupId) throws IOException {
        return ifLoaded(state -> state.cgroupStats.lookup(CgroupKey.encode(cgroupId)).map(CgroupStats::sumPerCpu),
                Optional.empty());
    }

    /** The policy slots in force on a cgroup (empty: none, or not written yet). */
    public List<PolicySlot> policy(long cgroupId) throws IOException {
        return ifLoaded(state -> state.cgroupPolicy.lookup(CgroupKey.encode(cgroupId)).map(CgroupPolicy::decodeSlots)
                .orElse(List.of()), List.of());
    }

    public List<Attachment> list() throws IOException {
        return ifLoaded(state -> {
            List<Attachment> all = new ArrayList<>();
            for (long id : attachedIds()) {
                Optional<AttachmentRecord> record = AttachmentRecord.load(runtime, id);
                if (record.isPresent()) {
                    Optional<CgroupStats> stats = state.cgroupStats.lookup(CgroupKey.encode(id)).map(CgroupStats::sumPerCpu);
                    all.add(new Attachment(record.get(), stats));
                }
            }
            return all;
        }, List.of());
    }

    private interface LockedAction<T> {
        T run(PinnedState state) throws IOException;
    }

    /**
     * For the agent: load the programs now and keep them open for every later operation,
     * instead of reopening the pins each time. Only valid while this process is the agent.
     */
    public synchronized void keepLoaded() throws IOException {
        if (!AgentPidFile.runningAgentIsMe(runtime)) {
            throw new IllegalStateException("only the running agent keeps the datapath loaded");
        }
        try (HostLock lock = HostLock.acquire(runtime)) {
            kept = PinnedState.openOrLoad(pins);
        }
    }

    /** Closes what {@link #keepLoaded()} kept open; the pins, and so enforcement, stay. */
    public synchronized void release() {
        if (kept != null) {
            kept.close();
            kept = null;
        }
    }

    /** Runs a change under the host lock, loading the programs first if none are pinned. */
    private synchronized <T> T locked(LockedAction<T> action) throws IOException {
        try (HostLock lock = HostLock.acquire(runtime)) {
            if (kept != null) {
                return action.run(kept);
            }
            try (PinnedState state = PinnedState.openOrLoad(pins)) {
                return action.run(state);
            } finally {
                removeIfUnused();
            }
        }
    }

    /** Runs under the host lock if netfence's state is pinned; otherwise there is nothing to see. */
    private synchronized <T> T ifLoaded(LockedAction<T> action, T whenNothingIsLoaded) throws IOException {
        if (kept != null) {
            return locked(action);
        }
        try (HostLock lock = HostLock.acquire(runtime)) {
            if (!PinnedState.isPinned(pins)) {
                return whenNothingIsLoaded;
            }
            try (PinnedState state = PinnedState.openOrLoad(pins)) {
                return action.run(state);
            } finally {
                removeIfUnused();
            }
        }
    }

    /** Whether every hook is attached to the cgroup and a policy is written: nothing runs unconfined there. */
    public boolean enforced(long cgroupId) throws IOException {
        return Files.exists(pins.link(cgroupId, Hook.SKB_INGRESS)) && !policy(cgroupId).isEmpty();
    }

    /** Maps the events ring for the agent, its only reader. */
    public synchronized io.netfence.loader.RingBufferReader openEvents() throws IOException {
        if (kept == null) {
            throw new IllegalStateException("only the agent reads events");
        }
        return io.netfence.loader.RingBufferReader.open(kept.events);
    }

    /** nf_counters summed over CPUs, indexed by Abi.COUNTER_*. */
    public long[] eventCounters() throws IOException {
        return ifLoaded(state -> {
            long[] totals = new long[Abi.COUNTERS];
            for (int i = 0; i < Abi.COUNTERS; i++) {
                byte[] key = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(i).array();
                byte[] perCpu = state.counters.lookup(key).orElse(new byte[0]);
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(perCpu).order(java.nio.ByteOrder.nativeOrder());
                while (b.remaining() >= 8) {
                    totals[i] += b.getLong();
                }
            }
            return totals;
        }, new long[Abi.COUNTERS]);
    }

    /** The counters of every cgroup netfence is attached to. */
    public Map<Long, CgroupStats> allStats() throws IOException {
        return ifLoaded(state -> {
            Map<Long, CgroupStats> all = new java.util.HashMap<>();
            for (long id : attachedIds()) {
                state.cgroupStats.lookup(CgroupKey.encode(id)).ifPresent(v -> all.put(id, CgroupStats.sumPerCpu(v)));
            }
            return all;
        }, Map.of());
    }

    /** How full the rule maps are: entries in use and capacity, for nf_rules and nf_portlists. */
    public record MapFill(long ruleEntries, long ruleCapacity, long portLists, long portListCapacity) {}

    public MapFill mapFill() throws IOException {
        return ifLoaded(state -> {
            long entries = 0;
            long lists = 0;
            for (RulesetInfo info : new RulesetStore(state, runtime).registered().values()) {
                entries += info.entries();
                lists += info.portLists();
            }
            return new MapFill(entries, state.rules.maxEntries(), lists, state.portLists.maxEntries());
        }, new MapFill(0, 0, 0, 0));
    }

    /** The record of one cgroup netfence is attached to, if any. */
    public Optional<AttachmentRecord> attachment(long cgroupId) throws IOException {
        return Files.isDirectory(pins.cgroup(cgroupId)) ? AttachmentRecord.load(runtime, cgroupId) : Optional.empty();
    }

    private void removeIfUnused() throws IOException {
        if (!PinnedState.hasAttachments(pins) && !AgentPidFile.agentRunning(runtime)) {
            PinnedState.removeAll(pins); // nothing confined and no agent: leave nothing behind in the kernel
            PrefixFile.removeAll(runtime);
        }
    }

    public Path runtimeDirectory() {
        return runtime;
    }

    /** Pointing one cgroup at policies, with the rollback that keeps the old state on any failure. */
    private final class Attacher {
        private final PinnedState state;
        private final Cgroup cgroup;
        private final byte[] key;

        Attacher(PinnedState state, Cgroup cgroup) {
            this.state = state;
            this.cgroup = cgroup;
            this.key = CgroupKey.encode(cgroup.id());
        }

        /** Returns the slots the cgroup had before (none when netfence was not attached). */
        List<PolicySlot> attach(List<AppliedPolicy> policies, AttachmentRecord record) throws IOException {
            List<PolicySlot> slots = policies.stream().map(AppliedPolicy::slot).toList();
            byte[] value = new CgroupPolicy(slots).encode();
            boolean fresh = !Files.exists(pins.link(cgroup.id(), Hook.SOCK_CREATE));
            Optional<byte[]> previous = fresh ? Optional.empty() : state.cgroupPolicy.lookup(key);
            boolean swapped = false;
            try (Fd target = Fd.openDirectory(cgroup.directory().toString())) {
                Files.createDirectories(pins.cgroup(cgroup.id()));
                if (fresh) {
                    attachAndPin(Hook.SOCK_CREATE, target);
                }
                state.cgroupPolicy.update(key, value, BpfMap.EXIST);
                swapped = true;
                for (Hook hook : Hook.ENFORCING) {
                    if (!Files.exists(pins.link(cgroup.id(), hook))) {
                        attachAndPin(hook, target);
                    }
                }
                record.store(runtime);
            } catch (IOException | RuntimeException e) {
                rollBack(fresh, swapped, previous);
                throw e;
            }
            return previous.map(CgroupPolicy::decodeSlots).orElse(List.of());
        }

        private void attachAndPin(Hook hook, Fd target) throws IOException {
            try (BpfLink link = state.programs.get(hook).attachCgroup(target, cgroup.path())) {
                link.pin(pins.link(cgroup.id(), hook).toString());
            }
        }

        private void rollBack(boolean fresh, boolean swapped, Optional<byte[]> previous) {
            try {
                if (fresh) {
                    unpinLinks(cgroup.id());
                } else if (swapped && previous.isPresent()) {
                    state.cgroupPolicy.update(key, previous.get(), BpfMap.EXIST);
                }
            } catch (IOException | RuntimeException suppressed) {
                // the garbage collector of the next netfence call removes what is left
            }
        }
    }

    /** Detaches and unpins a cgroup's links, then removes its rulesets and record. */
    private void release(PinnedState state, long cgroupId) throws IOException {
        unpinLinks(cgroupId);
        RulesetStore store = new RulesetStore(state, runtime);
        Set<Integer> owned = new HashSet<>();
        for (Map.Entry<Integer, RulesetInfo> e : store.registered().entrySet()) {
            if (e.getValue().owner() == cgroupId) {
                owned.add(e.getKey());
            }
        }
        store.delete(owned);
        AttachmentRecord.delete(runtime, cgroupId);
    }

    private void unpinLinks(long cgroupId) throws IOException {
        List<Hook> order = new ArrayList<>(Hook.ENFORCING);
        order.add(Hook.SOCK_CREATE); // last: it keeps the policy storage alive until the end
        for (Hook hook : order) {
            Path pin = pins.link(cgroupId, hook);
            if (Files.exists(pin)) {
                try (BpfLink link = BpfLink.openPinned(pin.toString())) {
                    link.detach();
                }
                BpfFs.unpin(pin);
            }
        }
        Files.deleteIfExists(pins.cgroup(cgroupId));
    }

    private List<Long> attachedIds() throws IOException {
        if (!Files.isDirectory(pins.cgroups())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(pins.cgroups())) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]+")).map(Long::parseLong).sorted().toList();
        }
    }

    /**
     * Releases what outlived its purpose: attachments whose cgroup is gone (their links are
     * defunct), {@code run} cgroups whose netfence process died and that have emptied, and
     * rulesets no cgroup points at whose owner is gone (a process killed halfway through).
     * An agent's cgroups stay confined when the agent dies: that is what fail-closed means.
     */
    private void collectGarbage(PinnedState state) throws IOException {
        Set<Long> live = new HashSet<>();
        for (long id : attachedIds()) {
            Optional<AttachmentRecord> record = AttachmentRecord.load(runtime, id);
            boolean exists = record.isPresent() && cgroups.exists(record.get().cgroupPath(), id);
            if (exists && record.get().kind() == AttachmentRecord.Kind.RUN
                    && !LivePids.isAlive(record.get().ownerPid())) {
                Cgroup orphan = cgroups.open(record.get().cgroupPath());
                if (CgroupFs.processes(orphan).isEmpty()) {
                    release(state, id);
                    CgroupFs.killAndRemove(orphan, CGROUP_DRAIN_TIMEOUT);
                    continue;
                }
            }
            if (!exists) {
                release(state, id);
            } else {
                live.add(id);
            }
        }
        Set<Integer> referenced = new HashSet<>();
        for (long id : live) {
            state.cgroupPolicy.lookup(CgroupKey.encode(id)).ifPresent(v -> referenced.addAll(rulesetsOf(CgroupPolicy.decodeSlots(v))));
        }
        RulesetStore store = new RulesetStore(state, runtime);
        Set<Integer> orphans = new HashSet<>();
        for (Map.Entry<Integer, RulesetInfo> e : store.registered().entrySet()) {
            RulesetInfo info = e.getValue();
            boolean ownerAlive = info.ownedByAgent()
                    ? LivePids.isAlive(info.owner() & ~RulesetInfo.AGENT_OWNER)
                    : live.contains(info.owner());
            if (!referenced.contains(e.getKey()) && !ownerAlive) {
                orphans.add(e.getKey());
            }
        }
        store.delete(orphans);
    }
}
