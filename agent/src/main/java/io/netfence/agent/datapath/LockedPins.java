package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.host.AgentPidFile;
import io.netfence.agent.host.HostLock;
import io.netfence.loader.BpfFs;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The host's pinned state, opened under the {@link HostLock} for one operation and closed after
 * it, or, for the agent, kept open between operations. Changes may load the programs and, when
 * they leave nothing confined and no agent running, unpin everything; reads never change the
 * kernel: they adopt whatever build is pinned, and find nothing when nothing is.
 */
final class LockedPins {
    private final PinLayout layout;
    private final Path runtime;
    /** The agent's state: while it is open no CLI call unpins anything (the pid file says so). */
    private PinnedState kept;
    /** nf_flows' capacity when this process is the one that creates the maps. */
    private int flowCapacity = Abi.FLOWS_MAX;

    LockedPins(PinLayout layout, Path runtimeDirectory) {
        this.layout = layout;
        this.runtime = runtimeDirectory;
    }

    interface Action<T> {
        T run(PinnedState state) throws IOException;
    }

    PinLayout layout() {
        return layout;
    }

    synchronized void flowCapacity(int capacity) {
        this.flowCapacity = capacity;
    }

    /** Where a kernel's refusal of the BPF LSM program is remembered until reboot. */
    Path lsmRefusedMarker() {
        return runtime.resolve("bpf-lsm-refused");
    }

    Path runtimeDirectory() {
        return runtime;
    }

    /** Runs a change, loading and pinning the programs first if none are pinned. */
    synchronized <T> T change(Action<T> action) throws IOException {
        try (HostLock lock = HostLock.acquire(runtime)) {
            if (kept != null) {
                return action.run(kept);
            }
            try (PinnedState state = openOrLoad()) {
                return action.run(state);
            } finally {
                removeIfUnused();
            }
        }
    }

    /** Runs a change to what is pinned; with nothing pinned there is nothing to change. */
    <T> T changeIfPinned(Action<T> action, T whenNothingIsPinned) throws IOException {
        return ifPinned(action, whenNothingIsPinned, true);
    }

    /** Runs a read of what is pinned, changing nothing. */
    <T> T read(Action<T> action, T whenNothingIsPinned) throws IOException {
        return ifPinned(action, whenNothingIsPinned, false);
    }

    private synchronized <T> T ifPinned(Action<T> action, T whenNothingIsPinned, boolean changes) throws IOException {
        try (HostLock lock = HostLock.acquire(runtime)) {
            if (kept != null) {
                return action.run(kept);
            }
            if (!PinnedState.isPinned(layout)) {
                return whenNothingIsPinned;
            }
            try (PinnedState state = PinnedState.openPinned(layout)) {
                return action.run(state);
            } finally {
                if (changes) {
                    removeIfUnused();
                }
            }
        }
    }

    /** For the running agent: loads the programs now and keeps them open until {@link #close()}. */
    synchronized void keepOpen() throws IOException {
        if (!AgentPidFile.runningAgentIsMe(runtime)) {
            throw new IllegalStateException("only the running agent keeps the datapath loaded");
        }
        try (HostLock lock = HostLock.acquire(runtime)) {
            kept = openOrLoad();
        }
    }

    private PinnedState openOrLoad() throws IOException {
        if (!PinnedState.isPinned(layout)) {
            BpfFs.mountPoint(); // mounts bpffs where the layout expects it when no one has
        }
        return PinnedState.openOrLoad(layout, lsmRefusedMarker(), flowCapacity);
    }

    /** The state {@link #keepOpen()} kept, for what only the agent does (reading the events ring). */
    synchronized PinnedState kept() {
        if (kept == null) {
            throw new IllegalStateException("only the agent, which keeps the datapath loaded, does this");
        }
        return kept;
    }

    /** Closes what {@link #keepOpen()} kept; the pins, and so enforcement, stay. */
    synchronized void close() {
        if (kept != null) {
            kept.close();
            kept = null;
        }
    }

    private void removeIfUnused() throws IOException {
        if (!PinnedState.hasAttachments(layout) && !AgentPidFile.agentRunning(runtime)) {
            PinnedState.removeAll(layout); // nothing confined and no agent: leave nothing behind in the kernel
            PrefixFile.removeAll(runtime);
            PolicyIds.remove(runtime);
        }
    }
}
