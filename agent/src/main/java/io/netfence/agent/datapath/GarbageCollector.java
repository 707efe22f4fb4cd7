package io.netfence.agent.datapath;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupException;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.host.LivePids;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Releases what outlived its purpose: attachments whose cgroup is gone (their links are defunct),
 * {@code run} cgroups whose netfence process died and that have emptied, and rulesets whose owner
 * is gone and that no cgroup points at (a process killed halfway through). An agent's cgroups
 * stay confined when the agent dies: that is what fail-closed means. Only commands that change
 * the kernel anyway run it.
 */
final class GarbageCollector {
    static final Duration CGROUP_DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final CgroupFs cgroups;
    private final CgroupAttachments attachments;

    GarbageCollector(CgroupFs cgroups, CgroupAttachments attachments) {
        this.cgroups = cgroups;
        this.attachments = attachments;
    }

    /** A run whose owner (its netfence process, or the client of a run through the agent) died and that has emptied. */
    static boolean abandoned(AttachmentRecord run, Cgroup cgroup) throws CgroupException {
        return !LivePids.isAlive(run.ownerPid()) && CgroupFs.processes(cgroup).isEmpty();
    }

    void collect(RulesetLifetime rulesets) throws IOException {
        Set<Long> live = new HashSet<>();
        for (long id : attachments.ids()) {
            Optional<AttachmentRecord> record = attachments.record(id);
            boolean exists = record.isPresent() && cgroups.exists(record.get().cgroupPath(), id);
            if (exists && record.get().kind() == AttachmentRecord.Kind.RUN) {
                Cgroup run = cgroups.open(record.get().cgroupPath());
                if (abandoned(record.get(), run)) {
                    attachments.release(id);
                    CgroupFs.killAndRemove(run, CGROUP_DRAIN_TIMEOUT);
                    continue;
                }
            }
            if (exists) {
                live.add(id);
            } else {
                attachments.release(id);
            }
        }
        rulesets.deleteUnreferenced(owner -> !owner.holds(live), Set.of());
    }
}
