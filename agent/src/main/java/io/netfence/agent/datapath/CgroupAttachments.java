package io.netfence.agent.datapath;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.datapath.abi.CgroupKey;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.datapath.abi.PolicySlot;
import io.netfence.loader.BpfFs;
import io.netfence.loader.BpfLink;
import io.netfence.loader.BpfMap;
import io.netfence.loader.Fd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The cgroups netfence is attached to: one link pin per hook under {@code cgroups/<id>/}, the
 * policy slots in the cgroup's storage, and an {@link AttachmentRecord} beside them. Pointing a
 * cgroup at policies is one storage update; on any failure the cgroup keeps its old state.
 */
final class CgroupAttachments {
    private final PinLayout pins;
    private final Path runtime;

    CgroupAttachments(PinLayout pins, Path runtimeDirectory) {
        this.pins = pins;
        this.runtime = runtimeDirectory;
    }

    /** The ids of the cgroups with pinned attachments, in order. */
    List<Long> ids() throws IOException {
        if (!Files.isDirectory(pins.cgroups())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(pins.cgroups())) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]+")).map(Long::parseLong).sorted().toList();
        }
    }

    boolean attached(long cgroupId) {
        return Files.isDirectory(pins.cgroup(cgroupId));
    }

    Optional<AttachmentRecord> record(long cgroupId) throws IOException {
        return attached(cgroupId) ? AttachmentRecord.load(runtime, cgroupId) : Optional.empty();
    }

    Map<Long, Optional<AttachmentRecord>> records() throws IOException {
        Map<Long, Optional<AttachmentRecord>> all = new LinkedHashMap<>();
        for (long id : ids()) {
            all.put(id, AttachmentRecord.load(runtime, id));
        }
        return all;
    }

    /** The policy slots in force on a cgroup (empty: none, or not written yet). */
    List<PolicySlot> slots(PinnedState state, long cgroupId) throws IOException {
        return state.cgroupPolicy.lookup(CgroupKey.encode(cgroupId)).map(CgroupPolicy::decodeSlots).orElse(List.of());
    }

    /** The rulesets the cgroup's slots point at (empty: none, or its storage is gone with it). */
    Set<Integer> rulesets(PinnedState state, long cgroupId) throws IOException {
        Set<Integer> rulesets = new HashSet<>();
        for (PolicySlot slot : slots(state, cgroupId)) {
            rulesets.add(slot.egressRuleset());
            rulesets.add(slot.ingressRuleset());
        }
        return rulesets;
    }

    /** The rulesets some attached cgroup points at: deleting one of them would open traffic. */
    Set<Integer> referencedRulesets(PinnedState state) throws IOException {
        Set<Integer> referenced = new HashSet<>();
        for (long id : ids()) {
            referenced.addAll(rulesets(state, id));
        }
        return referenced;
    }

    /** Whether every loaded hook is attached and a policy is written: nothing runs unconfined there. */
    boolean enforced(PinnedState state, long cgroupId) throws IOException {
        for (Hook hook : Hook.ENFORCING) {
            if (state.programs.containsKey(hook) && !Files.exists(pins.link(cgroupId, hook))) {
                return false;
            }
        }
        return !slots(state, cgroupId).isEmpty();
    }

    /**
     * Points a cgroup at written policies in one storage update, attaching netfence first if it
     * is not there yet, and stores the record. The rulesets the cgroup pointed at before are
     * left alone: whether they can go is {@link RulesetLifetime}'s decision.
     *
     * @param dnsPort the loopback port of the DNS proxy answering the cgroup's queries; 0: none
     */
    void point(PinnedState state, Cgroup cgroup, List<AppliedPolicy> policies, AttachmentRecord record, int dnsPort)
            throws IOException {
        byte[] key = CgroupKey.encode(cgroup.id());
        byte[] value = new CgroupPolicy(policies.stream().map(AppliedPolicy::slot).toList(), CgroupPolicy.scopeOf(cgroup.id()),
                dnsPort).encode();
        boolean fresh = !Files.exists(pins.link(cgroup.id(), Hook.SOCK_CREATE));
        Optional<byte[]> previous = fresh ? Optional.empty() : state.cgroupPolicy.lookup(key);
        boolean swapped = false;
        try (Fd target = Fd.openDirectory(cgroup.directory().toString())) {
            Files.createDirectories(pins.cgroup(cgroup.id()));
            if (fresh) {
                attachAndPin(state, cgroup, Hook.SOCK_CREATE, target); // creates the policy storage
            }
            state.cgroupPolicy.update(key, value, BpfMap.EXIST);
            swapped = true;
            for (Hook hook : Hook.ENFORCING) {
                if (state.programs.containsKey(hook) && !Files.exists(pins.link(cgroup.id(), hook))) {
                    attachAndPin(state, cgroup, hook, target);
                }
            }
            record.store(runtime);
        } catch (IOException | RuntimeException e) {
            try {
                if (fresh) {
                    unpinLinks(cgroup.id());
                } else if (swapped && previous.isPresent()) {
                    state.cgroupPolicy.update(key, previous.get(), BpfMap.EXIST);
                }
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed); // the next garbage collection removes what is left
            }
            throw e;
        }
    }

    private void attachAndPin(PinnedState state, Cgroup cgroup, Hook hook, Fd target) throws IOException {
        try (BpfLink link = state.programs.get(hook).attachCgroup(target, cgroup.path())) {
            link.pin(pins.link(cgroup.id(), hook).toString());
        }
    }

    /** Detaches and unpins a cgroup's links and drops its record; returns whether it was attached. */
    boolean release(long cgroupId) throws IOException {
        boolean attached = attached(cgroupId);
        unpinLinks(cgroupId);
        AttachmentRecord.delete(runtime, cgroupId);
        return attached;
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
}
