package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.CgroupKey;
import io.netfence.agent.datapath.abi.CgroupStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** What the programs counted, read without changing anything: per cgroup, per event, per map. */
public final class Counters {
    private final LockedPins pins;
    private final CgroupAttachments attachments;

    Counters(LockedPins pins, CgroupAttachments attachments) {
        this.pins = pins;
        this.attachments = attachments;
    }

    public Optional<CgroupCounters> of(long cgroupId) throws IOException {
        return pins.read(state -> cgroup(state, cgroupId), Optional.empty());
    }

    /** The counters of every cgroup netfence is attached to. */
    public Map<Long, CgroupCounters> all() throws IOException {
        return pins.read(state -> {
            Map<Long, CgroupCounters> all = new HashMap<>();
            for (long id : attachments.ids()) {
                cgroup(state, id).ifPresent(c -> all.put(id, c));
            }
            return all;
        }, Map.of());
    }

    static Optional<CgroupCounters> cgroup(PinnedState state, long cgroupId) throws IOException {
        return state.cgroupStats.lookup(CgroupKey.encode(cgroupId)).map(CgroupStats::sumPerCpu).map(CgroupCounters::of);
    }

    public EventCounters events() throws IOException {
        return pins.read(state -> new EventCounters(eventCounter(state, Abi.COUNTER_EVENTS_SENT),
                eventCounter(state, Abi.COUNTER_EVENTS_SUPPRESSED), eventCounter(state, Abi.COUNTER_EVENTS_LOST)),
                EventCounters.NONE);
    }

    /** One nf_counters entry, summed over CPUs. */
    private static long eventCounter(PinnedState state, int index) throws IOException {
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(index).array();
        ByteBuffer perCpu = ByteBuffer.wrap(state.counters.lookup(key).orElse(new byte[0])).order(ByteOrder.nativeOrder());
        long total = 0;
        while (perCpu.remaining() >= Long.BYTES) {
            total += perCpu.getLong();
        }
        return total;
    }

    public MapFill mapFill() throws IOException {
        return pins.read(state -> new RulesetLifetime(state, pins.runtimeDirectory(), attachments).fill(), MapFill.NOTHING_LOADED);
    }
}
