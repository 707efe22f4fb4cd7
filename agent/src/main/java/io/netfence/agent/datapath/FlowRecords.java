package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.FlowKey;
import io.netfence.agent.datapath.abi.FlowValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The flows learning attachments recorded in nf_flows (see {@code NF_POLICY_LEARN}). */
public final class FlowRecords {
    private final LockedPins pins;

    FlowRecords(LockedPins pins) {
        this.pins = pins;
    }

    /** One entry of nf_flows. */
    public record Recorded(FlowKey key, FlowValue value) {}

    /** The records {@code which} accepts, as they are now; changes nothing. */
    public List<Recorded> read(Predicate<FlowKey> which) throws IOException {
        return pins.read(state -> {
            List<Recorded> found = new ArrayList<>();
            for (byte[] key : state.flows.keys()) {
                FlowKey decoded = FlowKey.decode(key);
                if (which.test(decoded)) {
                    Optional<byte[]> value = state.flows.lookup(key);
                    value.ifPresent(v -> found.add(new Recorded(decoded, FlowValue.decode(v))));
                }
            }
            return found;
        }, List.of());
    }

    /** Deletes the records {@code which} accepts, e.g. a finished run's; returns how many. */
    public int forget(Predicate<FlowKey> which) throws IOException {
        return pins.changeIfPinned(state -> {
            int deleted = 0;
            for (byte[] key : state.flows.keys()) {
                if (which.test(FlowKey.decode(key)) && state.flows.delete(key)) {
                    deleted++;
                }
            }
            return deleted;
        }, 0);
    }

    /** How many flows the map holds at most (the LRU forgets the least recently seen beyond). */
    public int capacity() throws IOException {
        return pins.read(state -> state.flows.maxEntries(), 0);
    }
}
