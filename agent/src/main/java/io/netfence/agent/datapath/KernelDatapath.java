package io.netfence.agent.datapath;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.datapath.abi.PolicySlot;
import io.netfence.agent.policy.Policy;
import io.netfence.loader.BpfFs;
import io.netfence.loader.BpfLsm;
import io.netfence.loader.RingBufferReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * netfence's programs and maps in this host's kernel: confines cgroups by attaching the programs
 * and writing their policy into the shared maps. Every change takes the host lock and leaves the
 * kernel either in the new state or in the old one; reads change nothing.
 */
public final class KernelDatapath implements Datapath {
    public static final Path DEFAULT_RUNTIME_DIRECTORY = Path.of("/run/netfence");

    private final CgroupFs cgroups;
    private final LockedPins pins;
    private final CgroupAttachments attachments;

    private KernelDatapath(CgroupFs cgroups, PinLayout layout, Path runtime) {
        this.cgroups = cgroups;
        this.pins = new LockedPins(layout, runtime);
        this.attachments = new CgroupAttachments(layout, runtime);
    }

    /** Finds bpffs; changes nothing (the first change mounts bpffs if no one has). */
    public static KernelDatapath open(CgroupFs cgroups) throws IOException {
        PinLayout layout = PinLayout.under(BpfFs.findMountPoint().orElse(BpfFs.DEFAULT_MOUNT));
        return new KernelDatapath(cgroups, layout, DEFAULT_RUNTIME_DIRECTORY);
    }

    public Path runtimeDirectory() {
        return pins.runtimeDirectory();
    }

    private RulesetLifetime rulesets(PinnedState state) {
        return new RulesetLifetime(state, pins.runtimeDirectory(), attachments);
    }

    /** Releases what dead processes and removed cgroups left behind (see {@link GarbageCollector}). */
    public void collectGarbage() throws IOException {
        pins.changeIfPinned(state -> {
            new GarbageCollector(cgroups, attachments).collect(rulesets(state));
            return null;
        }, null);
    }

    /**
     * Confines the cgroup with the policy, or replaces the policy already there, by the one swap
     * protocol, under one hold of the host lock: the processes in it are confined at once, and
     * until the new policy is in place the old one holds.
     *
     * @param ownerPid the {@code netfence run} process, 0 for {@code attach}
     */
    public void attach(Cgroup cgroup, Policy policy, AttachmentRecord.Kind kind, long ownerPid) throws IOException {
        attach(cgroup, policy, List.of(), List.of(), kind, ownerPid, 0);
    }

    /**
     * As {@link #attach(Cgroup, Policy, AttachmentRecord.Kind, long)}, with the cgroup's DNS
     * queries steered to the DNS proxy on {@code dnsPort} where the policy has name rules.
     *
     * @return the policy as written, with the name tables the proxy applies
     */
    public AppliedPolicy attach(Cgroup cgroup, Policy policy, AttachmentRecord.Kind kind, long ownerPid, int dnsPort)
            throws IOException {
        return attach(cgroup, policy, List.of(), List.of(), kind, ownerPid, dnsPort);
    }

    /**
     * The general form: the policy; {@code carried}, policies already in the kernel that keep
     * their name rules in this cgroup (the DNS proxy learns for them under this cgroup's scope);
     * {@code inherited}, further policies in the kernel taken by their slots (they must allow
     * too: a run through the agent carries every policy its caller is under); and the port of the
     * DNS proxy (0: none) the cgroup's queries are steered to where a policy has name rules.
     *
     * @return the policy as written, with the name tables the proxy applies
     */
    public AppliedPolicy attach(Cgroup cgroup, Policy policy, List<AppliedPolicy> carried, List<PolicySlot> inherited,
                                AttachmentRecord.Kind kind, long ownerPid, int dnsPort)
            throws IOException {
        RulesetLifetime.Compiled compiled = RulesetLifetime.Compiled.of(policy);
        RulesetOwner owner = RulesetOwner.cgroup(cgroup.id());
        AttachmentRecord record = AttachmentRecord.of(cgroup, List.of(policy), kind, ownerPid);
        return pins.change(state -> {
            RulesetLifetime rulesets = rulesets(state);
            AppliedPolicy applied = rulesets.write(compiled, owner, 0);
            Set<Integer> before;
            try {
                before = attachments.rulesets(state, cgroup.id());
                List<AppliedPolicy> all = new ArrayList<>(List.of(applied));
                all.addAll(carried);
                inherited.forEach(slot -> all.add(AppliedPolicy.of(slot, "inherited")));
                attachments.point(state, cgroup, all, record, dnsPort);
            } catch (IOException | RuntimeException e) {
                deleteUnreferencedAfterFailure(rulesets, applied.rulesets(), owner, e); // the new rulesets: nothing points at them
                throw e;
            }
            rulesets.deleteIfUnreferenced(before, owner::equals); // the old ones, now that nothing points at them
            return applied;
        });
    }

    /**
     * Opens the maps of name rules for the DNS proxy, which keeps them for its lifetime; the
     * programs must be loaded (after an {@link #attach}).
     */
    public NameMaps openNameMaps() throws IOException {
        return NameMaps.open(pins.layout());
    }

    private static void deleteUnreferencedAfterFailure(RulesetLifetime rulesets, Set<Integer> written, RulesetOwner owner,
                                                       Exception failure) {
        try {
            rulesets.deleteIfUnreferenced(written, owner::equals);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e); // the next garbage collection deletes them
        }
    }


    @Override
    public AppliedPolicy write(Policy policy, RulesetOwner owner, int policyId) throws IOException {
        RulesetLifetime.Compiled compiled = RulesetLifetime.Compiled.of(policy);
        return pins.change(state -> rulesets(state).write(compiled, owner, policyId));
    }

    @Override
    public void point(Cgroup cgroup, List<AppliedPolicy> policies, AttachmentRecord record, int dnsPort) throws IOException {
        pins.change(state -> {
            attachments.point(state, cgroup, policies, record, dnsPort);
            return null;
        });
    }

    @Override
    public void deleteUnreferencedAgentRulesets(Set<Integer> kept) throws IOException {
        pins.changeIfPinned(state -> {
            rulesets(state).deleteUnreferenced(RulesetOwner::isAgent, kept);
            return null;
        }, null);
    }

    @Override
    public boolean detach(long cgroupId) throws IOException {
        return detach(cgroupId, Set.of());
    }

    /** As {@link #detach(long)}, {@code pointedAt} naming rulesets the cgroup pointed at when its slots may be gone. */
    private boolean detach(long cgroupId, Set<Integer> pointedAt) throws IOException {
        return pins.changeIfPinned(state -> {
            Set<Integer> before = new java.util.HashSet<>(pointedAt);
            before.addAll(attachments.rulesets(state, cgroupId));
            boolean attached = attachments.release(cgroupId);
            RulesetOwner owner = RulesetOwner.cgroup(cgroupId);
            if (before.isEmpty()) {
                rulesets(state).deleteUnreferenced(owner::equals, Set.of()); // nothing says which: every ruleset's owner is read
            } else {
                rulesets(state).deleteIfUnreferenced(before, owner::equals);
            }
            return attached;
        }, false);
    }

    /** Whether the cgroup is a run its owner left (see {@link GarbageCollector}): emptied, its owner dead. */
    public boolean isAbandonedRun(Cgroup cgroup) throws IOException {
        Optional<AttachmentRecord> record = attachment(cgroup.id());
        return record.isPresent() && record.get().kind() == AttachmentRecord.Kind.RUN && GarbageCollector.abandoned(record.get(), cgroup);
    }

    /** Kills what is left in a {@code run} cgroup, then removes netfence from it and the cgroup. */
    public void detachAndRemove(Cgroup cgroup) throws IOException {
        Set<Integer> pointedAt = pins.read(state -> attachments.rulesets(state, cgroup.id()), Set.of());
        CgroupFs.killAndRemove(cgroup, GarbageCollector.CGROUP_DRAIN_TIMEOUT);
        detach(cgroup.id(), pointedAt);
    }

    @Override
    public Map<Long, Optional<AttachmentRecord>> attachments() throws IOException {
        return pins.read(state -> attachments.records(), Map.of());
    }

    @Override
    public Optional<AttachmentRecord> attachment(long cgroupId) throws IOException {
        return attachments.record(cgroupId);
    }

    /** The confined cgroups that have a record, with their counters, as {@code list} shows them. */
    public List<Attachment> list() throws IOException {
        return pins.read(state -> {
            List<Attachment> all = new ArrayList<>();
            for (Map.Entry<Long, Optional<AttachmentRecord>> e : attachments.records().entrySet()) {
                if (e.getValue().isPresent()) {
                    all.add(new Attachment(e.getValue().get(), Counters.cgroup(state, e.getKey())));
                }
            }
            return all;
        }, List.of());
    }

    /** The policy slots in force on a cgroup netfence is attached to (none where it is not). */
    public List<PolicySlot> slotsInForce(long cgroupId) throws IOException {
        return pins.read(state -> attachments.attached(cgroupId) ? attachments.slots(state, cgroupId) : List.<PolicySlot>of(), List.of());
    }

    /**
     * Whether every hook is attached to the cgroup and a policy is written: nothing runs unconfined
     * there. Takes the host lock only once the pins say the links are there, so a caller polling a
     * cgroup the agent is about to attach does not hold up the agent.
     */
    public boolean enforced(long cgroupId) throws IOException {
        return PinProgress.of(pins.layout(), cgroupId) == PinProgress.LINKED
                && pins.read(state -> attachments.enforced(state, cgroupId), false);
    }

    /** Why the cgroup is not enforced, as the end of a sentence; empty when it is. */
    public Optional<String> notEnforcedBecause(long cgroupId) throws IOException {
        if (BpfFs.findMountPoint().isEmpty()) {
            return Optional.of("no bpffs is mounted in this process's mount namespace");
        }
        return enforced(cgroupId) ? Optional.empty() : Optional.of(PinProgress.of(pins.layout(), cgroupId).reason(pins.layout()));
    }

    /**
     * Whether packet and XDP sockets are policed here, and by what: the BPF LSM program where the
     * loaded programs include it, else why the kernel cannot run it.
     */
    public PacketSocketPolicing packetSocketPolicing() throws IOException {
        return pins.change(state -> state.programs.containsKey(Hook.PACKET_SOCKETS)
                ? new PacketSocketPolicing(true, "by the BPF LSM (lsm_cgroup/socket_create)")
                : new PacketSocketPolicing(false, Files.exists(pins.lsmRefusedMarker())
                        ? "the kernel refused to load a BPF LSM program (some lockdown settings and sandboxed VMs forbid them)"
                        : BpfLsm.cgroupPrograms().reason()));
    }

    public Counters counters() {
        return new Counters(pins, attachments);
    }

    public FlowRecords flows() {
        return new FlowRecords(pins);
    }

    /**
     * How many flows nf_flows holds if this process is the one that creates netfence's maps (the
     * agent's flow_history.max_flows); maps already pinned keep the capacity they have.
     */
    public void flowCapacity(int capacity) {
        pins.flowCapacity(capacity);
    }

    /**
     * For the running agent (its pid file names this process): loads the programs now and keeps
     * them open for every later operation, instead of reopening the pins each time.
     */
    public void keepLoaded() throws IOException {
        pins.keepOpen();
    }

    /** Maps the events ring for the agent, its only reader; only after {@link #keepLoaded()}. */
    public RingBufferReader openEvents() throws IOException {
        return RingBufferReader.open(pins.kept().events);
    }

    /** Closes what {@link #keepLoaded()} kept open; the pins, and so enforcement, stay. */
    public void release() {
        pins.close();
    }
}
