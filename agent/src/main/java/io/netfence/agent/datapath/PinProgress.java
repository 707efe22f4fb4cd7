package io.netfence.agent.datapath;

import java.nio.file.Files;

/**
 * How far netfence's pins for one cgroup have come, read from bpffs alone: no host lock, no BPF
 * call. A waiting {@code netfence wait} polls this, so that it takes the host lock (which the
 * agent needs to attach) only once the links are there, and can say what is missing when it
 * gives up.
 */
enum PinProgress {
    /** The shared programs are not pinned under the layout: no agent or CLI has loaded them in this bpffs. */
    NO_PROGRAMS("no netfence programs are pinned under %s (is the agent running, and is this the bpffs it pins in?)"),
    /** Programs are pinned, but netfence is not attached to the cgroup. */
    NOT_ATTACHED("netfence is not attached to it (does a policy target it? 'netfence policies' lists where each is in force)"),
    /** Being attached: some hooks are linked, not yet ingress. */
    ATTACHING("netfence is still attaching its hooks"),
    /** The packet hooks are linked; whether every hook is and a policy is written takes the pinned maps. */
    LINKED("netfence is attached but not every hook is linked or no policy is written");

    private final String reason;

    PinProgress(String reason) {
        this.reason = reason;
    }

    static PinProgress of(PinLayout pins, long cgroupId) {
        if (!Files.isDirectory(pins.programs())) {
            return NO_PROGRAMS;
        }
        if (!Files.isDirectory(pins.cgroup(cgroupId))) {
            return NOT_ATTACHED;
        }
        // CgroupAttachments.point links the packet hooks after the policy is written, ingress after egress
        return Files.exists(pins.link(cgroupId, Hook.SKB_INGRESS)) ? LINKED : ATTACHING;
    }

    /** Why a cgroup at this stage is not enforced, as the end of a sentence. */
    String reason(PinLayout pins) {
        return String.format(reason, pins.root());
    }
}
