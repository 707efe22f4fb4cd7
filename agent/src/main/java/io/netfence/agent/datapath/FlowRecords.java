package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.FlowKey;
import io.netfence.agent.datapath.abi.FlowValue;
import io.netfence.loader.BpfMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * The flows learning attachments recorded in nf_flows (see {@code NF_POLICY_LEARN}). The map is
 * walked without copying its keys, so reads cost memory for what they keep, not for the map.
 */
public final class FlowRecords {
    /**
     * The kernel's hash map element around a key and value ({@code struct htab_elem}: hash node,
     * LRU node, hash) and its bucket. The kernel's own figure (fdinfo memlock) is not used: from
     * 5.11 to 6.3 it counts only keys and values, about half of what such a map takes.
     */
    private static final int ELEMENT_OVERHEAD = 48;
    private static final int BUCKET_BYTES = 16;

    private final LockedPins pins;

    FlowRecords(LockedPins pins) {
        this.pins = pins;
    }

    /** One entry of nf_flows. */
    public record Recorded(FlowKey key, FlowValue value) {}

    /**
     * What a bounded read kept.
     *
     * @param records the most recently seen of the matching records, at most the limit asked for
     * @param matched how many records matched
     */
    public record Selection(List<Recorded> records, int matched) {}

    /**
     * The map's size and cost.
     *
     * @param capacity    how many flows it holds; beyond that the least recently seen are forgotten
     * @param memoryBytes kernel memory it takes, for its capacity (preallocated)
     */
    public record Usage(int capacity, long memoryBytes) {
        public static final Usage NOTHING_LOADED = new Usage(0, 0);
    }

    /** What one pass of {@link #expire} found: the entries it walked and those it deleted. */
    public record Sweep(int entries, int expired) {}

    /** The records {@code which} accepts, as they are now; changes nothing. */
    public List<Recorded> read(Predicate<FlowKey> which) throws IOException {
        return read(which, value -> true, Integer.MAX_VALUE).records();
    }

    /**
     * The records whose key {@code which} accepts and whose value {@code seen} does, keeping only
     * the {@code limit} most recently seen.
     */
    public Selection read(Predicate<FlowKey> which, Predicate<FlowValue> seen, int limit) throws IOException {
        return pins.read(state -> {
            PriorityQueue<Recorded> kept = new PriorityQueue<>(Comparator.comparingLong(r -> r.value().lastNanos()));
            int[] matched = {0};
            state.flows.forEachKey(key -> {
                FlowKey decoded = FlowKey.decode(key);
                if (!which.test(decoded)) {
                    return true;
                }
                Optional<FlowValue> value = state.flows.lookup(key).map(FlowValue::decode);
                if (value.isPresent() && seen.test(value.get())) {
                    matched[0]++;
                    kept.add(new Recorded(decoded, value.get()));
                    if (kept.size() > limit) {
                        kept.poll(); // the least recently seen
                    }
                }
                return true;
            });
            return new Selection(new ArrayList<>(kept), matched[0]);
        }, new Selection(List.of(), 0));
    }

    /** Deletes the records {@code which} accepts, e.g. a finished run's; returns how many. */
    public int forget(Predicate<FlowKey> which) throws IOException {
        return pins.changeIfPinned(state -> {
            List<byte[]> doomed = new ArrayList<>();
            state.flows.forEachKey(key -> {
                if (which.test(FlowKey.decode(key))) {
                    doomed.add(key);
                }
                return true;
            });
            return delete(state.flows, doomed);
        }, 0);
    }

    /**
     * Deletes the records {@code which} accepts that were last seen before {@code cutoffNanos}
     * (CLOCK_MONOTONIC, as {@link System#nanoTime()} on Linux).
     */
    public Sweep expire(Predicate<FlowKey> which, long cutoffNanos) throws IOException {
        return pins.changeIfPinned(state -> {
            List<byte[]> doomed = new ArrayList<>();
            int[] entries = {0};
            state.flows.forEachKey(key -> {
                entries[0]++;
                if (which.test(FlowKey.decode(key))) {
                    Optional<byte[]> value = state.flows.lookup(key);
                    if (value.isPresent() && FlowValue.decode(value.get()).lastNanos() - cutoffNanos < 0) {
                        doomed.add(key);
                    }
                }
                return true;
            });
            int expired = delete(state.flows, doomed);
            return new Sweep(entries[0] - expired, expired);
        }, new Sweep(0, 0));
    }

    private static int delete(BpfMap flows, List<byte[]> keys) throws IOException {
        int deleted = 0;
        for (byte[] key : keys) {
            if (flows.delete(key)) {
                deleted++;
            }
        }
        return deleted;
    }

    /** How many flows the map holds at most (the LRU forgets the least recently seen beyond). */
    public int capacity() throws IOException {
        return pins.read(state -> state.flows.maxEntries(), 0);
    }

    /** The map's capacity and its memory, estimated from the kernel's hash map layout. */
    public Usage usage() throws IOException {
        return pins.read(state -> new Usage(state.flows.maxEntries(),
                estimatedBytes(state.flows.maxEntries(), state.flows.keySize(), state.flows.valueSize())), Usage.NOTHING_LOADED);
    }

    /**
     * A preallocated hash map's memory: one element per entry of its capacity (overhead, key and
     * value, each rounded to 8 bytes) and a power-of-two bucket array.
     */
    static long estimatedBytes(int capacity, int keySize, int valueSize) {
        long element = ELEMENT_OVERHEAD + ((keySize + 7) & ~7) + ((valueSize + 7) & ~7);
        long buckets = Long.highestOneBit(Math.max(1, capacity - 1)) << 1;
        return capacity * element + buckets * BUCKET_BYTES;
    }
}
