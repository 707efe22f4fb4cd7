package io.netfence.agent.datapath;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.CgroupKey;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.datapath.abi.CgroupStats;
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
     *
     * @param ownerPid the {@code netfence run} process that owns the cgroup, 0 for none
     */
    public void attach(Cgroup cgroup, Policy policy, long ownerPid) throws IOException {
        CompiledRuleset egress = PolicyCompiler.compile(policy.egress());
        CompiledRuleset ingress = PolicyCompiler.compile(policy.ingress());
        locked(state -> {
            new Attacher(state, cgroup).attach(policy, egress, ingress, ownerPid);
            return null;
        });
    }

    /** Removes netfence from the cgroup. Returns false when netfence was not attached there. */
    public boolean detach(long cgroupId) throws IOException {
        return ifLoaded(state -> {
            boolean attached = Files.isDirectory(pins.cgroup(cgroupId));
            release(state, cgroupId);
            return attached;
        }, false);
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

    public Optional<CgroupPolicy> policy(long cgroupId) throws IOException {
        return ifLoaded(state -> state.cgroupPolicy.lookup(CgroupKey.encode(cgroupId)).map(CgroupPolicy::decode),
                Optional.empty());
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

    /** Runs a change under the host lock, loading the programs first if none are pinned. */
    private <T> T locked(LockedAction<T> action) throws IOException {
        try (HostLock lock = HostLock.acquire(runtime)) {
            try (PinnedState state = PinnedState.openOrLoad(pins)) {
                return action.run(state);
            } finally {
                removeIfUnused();
            }
        }
    }

    /** Runs under the host lock if netfence's state is pinned; otherwise there is nothing to see. */
    private <T> T ifLoaded(LockedAction<T> action, T whenNothingIsLoaded) throws IOException {
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

    private void removeIfUnused() throws IOException {
        if (!PinnedState.hasAttachments(pins)) {
            PinnedState.removeAll(pins); // nothing confined: leave nothing behind in the kernel
        }
    }

    /** Attaching to one cgroup, with the rollback that keeps the old state on any failure. */
    private final class Attacher {
        private final PinnedState state;
        private final Cgroup cgroup;
        private final RulesetStore store;
        private final byte[] key;

        Attacher(PinnedState state, Cgroup cgroup) {
            this.state = state;
            this.cgroup = cgroup;
            this.store = new RulesetStore(state, runtime);
            this.key = CgroupKey.encode(cgroup.id());
        }

        void attach(Policy policy, CompiledRuleset egress, CompiledRuleset ingress, long ownerPid) throws IOException {
            store.checkCapacity(egress, ingress);
            boolean fresh = !Files.exists(pins.link(cgroup.id(), Hook.SOCK_CREATE));
            Optional<CgroupPolicy> previous = fresh ? Optional.empty() : state.cgroupPolicy.lookup(key).map(CgroupPolicy::decode);
            Set<Integer> written = new HashSet<>();
            boolean swapped = false;
            try (Fd target = Fd.openDirectory(cgroup.directory().toString())) {
                int egressId = store.write(cgroup.id(), egress);
                written.add(egressId);
                int ingressId = store.write(cgroup.id(), ingress);
                written.add(ingressId);
                Files.createDirectories(pins.cgroup(cgroup.id()));
                if (fresh) {
                    attachAndPin(Hook.SOCK_CREATE, target);
                }
                int flags = policy.audit() ? Abi.POLICY_AUDIT : 0;
                state.cgroupPolicy.update(key, new CgroupPolicy(egressId, ingressId, flags, egressId).encode(), BpfMap.EXIST);
                swapped = true;
                for (Hook hook : Hook.ENFORCING) {
                    if (!Files.exists(pins.link(cgroup.id(), hook))) {
                        attachAndPin(hook, target);
                    }
                }
                AttachmentRecord.of(cgroup.id(), cgroup.path(), policy, ownerPid).store(runtime);
            } catch (IOException | RuntimeException e) {
                rollBack(fresh, swapped, previous, written);
                throw e;
            }
            if (previous.isPresent()) {
                store.delete(Set.of(previous.get().egressRuleset(), previous.get().ingressRuleset()));
            }
        }

        private void attachAndPin(Hook hook, Fd target) throws IOException {
            try (BpfLink link = state.programs.get(hook).attachCgroup(target, cgroup.path())) {
                link.pin(pins.link(cgroup.id(), hook).toString());
            }
        }

        private void rollBack(boolean fresh, boolean swapped, Optional<CgroupPolicy> previous, Set<Integer> written) {
            try {
                if (fresh) {
                    unpinLinks(cgroup.id());
                } else if (swapped && previous.isPresent()) {
                    // point the cgroup back at its old rulesets before the new ones go
                    state.cgroupPolicy.update(key, previous.get().encode(), BpfMap.EXIST);
                }
                store.delete(written);
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
            if (e.getValue().cgroupId() == cgroupId) {
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
     * rulesets no attachment owns (a process killed halfway through an attach).
     */
    private void collectGarbage(PinnedState state) throws IOException {
        Set<Long> live = new HashSet<>();
        for (long id : attachedIds()) {
            Optional<AttachmentRecord> record = AttachmentRecord.load(runtime, id);
            boolean exists = record.isPresent() && cgroups.exists(record.get().cgroupPath(), id);
            if (exists && record.get().ownerPid() != 0 && ProcessHandle.of(record.get().ownerPid()).isEmpty()) {
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
        RulesetStore store = new RulesetStore(state, runtime);
        Set<Integer> orphans = new HashSet<>();
        for (Map.Entry<Integer, RulesetInfo> e : store.registered().entrySet()) {
            if (!live.contains(e.getValue().cgroupId())) {
                orphans.add(e.getKey());
            }
        }
        store.delete(orphans);
    }
}
