package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.HostKey;
import io.netfence.agent.datapath.abi.PortListKey;
import io.netfence.agent.datapath.abi.PortListValue;
import io.netfence.agent.datapath.abi.RuleKey;
import io.netfence.agent.datapath.abi.RuleValue;
import io.netfence.agent.datapath.abi.RulesetInfo;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.loader.BpfException;
import io.netfence.loader.BpfMap;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes and removes compiled rulesets in nf_rules / nf_hosts / nf_portlists, with nf_rulesets as the
 * registry of which ids exist and a {@link PrefixFile} per ruleset naming its keys. Which
 * rulesets to write or remove, and when, is {@link RulesetLifetime}'s to say.
 */
final class RulesetStore {
    private static final int BATCH = 65536;
    private final PinnedState state;
    private final Path runtime;

    RulesetStore(PinnedState state, Path runtimeDirectory) {
        this.state = state;
        this.runtime = runtimeDirectory;
    }

    /**
     * Registers a fresh ruleset id for the owner and writes the ruleset under it: exact hosts in
     * nf_hosts (the id then has NF_RULESET_HAS_HOSTS), every other prefix in nf_rules, both in
     * batches.
     */
    int write(RulesetOwner owner, CompiledRuleset ruleset) throws IOException {
        PrefixEntries entries = ruleset.entries();
        int hosts = entries.hostCount();
        int id = allocate(owner, ruleset, hosts > 0);
        try {
            PrefixFile.write(PrefixFile.of(runtime, id), entries);
            for (int i = 0; i < ruleset.portLists().size(); i++) {
                state.portLists.update(PortListKey.encode(id, i + 1), encode(ruleset.portLists().get(i)), BpfMap.ANY);
            }
            writeEntries(state.hosts, HostKey.SIZE, hosts, (from, count, keys, values) -> entries.encodeHosts(id, from, count, keys, values));
            writeEntries(state.rules, RuleKey.SIZE, entries.size() - hosts,
                    (from, count, keys, values) -> entries.encodePrefixes(id, from, count, keys, values));
        } catch (IOException | RuntimeException e) {
            try {
                delete(Set.of(id)); // what of it was written: nothing points at it yet
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        return id;
    }

    private interface KeyEncoder {
        void encode(ByteBuffer keys, IpPrefix prefix);
    }

    /** Writes the next {@code count} entries of its map from entry {@code from} on; returns where the next batch starts. */
    private interface BatchEncoder {
        int encode(int from, int count, ByteBuffer keys, ByteBuffer values);
    }

    /** Writes the entries in batches, encoded on this thread and written beside it ({@link MapBatches}). */
    private static void writeEntries(BpfMap map, int keySize, int total, BatchEncoder encoder) throws IOException {
        try (MapBatches batches = new MapBatches(map.name())) {
            for (int written = 0, next = 0; written < total; written += BATCH) {
                int count = Math.min(BATCH, total - written);
                ByteBuffer keys = ByteBuffer.allocate(count * keySize);
                ByteBuffer values = ByteBuffer.allocate(count * RuleValue.SIZE);
                next = encoder.encode(next, count, keys, values);
                batches.submit(() -> map.updateAll(keys.array(), values.array(), count));
            }
            batches.finish();
        }
    }

    private static void deleteEntries(BpfMap map, int keySize, List<IpPrefix> prefixes, KeyEncoder key) throws IOException {
        try (MapBatches batches = new MapBatches(map.name())) {
            for (int start = 0; start < prefixes.size(); start += BATCH) {
                int count = Math.min(BATCH, prefixes.size() - start);
                ByteBuffer keys = ByteBuffer.allocate(count * keySize);
                for (IpPrefix prefix : prefixes.subList(start, start + count)) {
                    key.encode(keys, prefix);
                }
                batches.submit(() -> map.deleteAll(keys.array(), count));
            }
            batches.finish();
        }
    }

    private static byte[] encode(CompiledRuleset.PortList list) {
        return PortListValue.encode(list.rules().stream()
                .map(r -> new PortListValue.Rule(r.portFrom(), r.portTo(), r.protocolBits(), r.verdict())).toList());
    }

    private int allocate(RulesetOwner owner, CompiledRuleset ruleset, boolean hasHosts) throws BpfException {
        byte[] info = new RulesetInfo(owner.encoded(), ruleset.entries().size(), ruleset.portLists().size()).encode();
        while (true) {
            int id = ThreadLocalRandom.current().nextInt(1, Abi.RULESET_HAS_HOSTS) | (hasHosts ? Abi.RULESET_HAS_HOSTS : 0);
            try {
                state.rulesets.update(RulesetInfo.key(id), info, BpfMap.NO_EXIST);
                return id;
            } catch (BpfException e) {
                if (e.errno() != io.netfence.loader.Errno.EEXIST) {
                    throw e;
                }
            }
        }
    }

    /** Removes rulesets: the keys their prefix files name, or, for those without one, by scanning. */
    void delete(Set<Integer> ids) throws IOException {
        Set<Integer> unknown = new HashSet<>();
        for (int id : ids) {
            Path file = PrefixFile.of(runtime, id);
            if (!Files.exists(file)) {
                unknown.add(id);
                continue;
            }
            List<IpPrefix> prefixes = PrefixFile.read(file);
            List<IpPrefix> hosts = prefixes.stream().filter(HostKey::isHost).toList();
            List<IpPrefix> others = hosts.isEmpty() ? prefixes : prefixes.stream().filter(p -> !HostKey.isHost(p)).toList();
            deleteEntries(state.hosts, HostKey.SIZE, hosts, (keys, prefix) -> HostKey.encode(keys, id, prefix));
            deleteEntries(state.rules, RuleKey.SIZE, others, (keys, prefix) -> RuleKey.encode(keys, id, prefix));
            Optional<byte[]> info = state.rulesets.lookup(RulesetInfo.key(id));
            int lists = info.map(RulesetInfo::decode).map(RulesetInfo::portLists).orElse(0);
            for (int i = 1; i <= lists; i++) {
                state.portLists.delete(PortListKey.encode(id, i));
            }
            state.rulesets.delete(RulesetInfo.key(id));
            Files.delete(file);
        }
        deleteByScan(unknown);
    }

    /** Removes rulesets whose content is unknown by scanning both maps: O(all rules on the host). */
    private void deleteByScan(Set<Integer> ids) throws IOException {
        if (ids.isEmpty()) {
            return;
        }
        for (byte[] key : state.rules.keys()) {
            if (ids.contains(RuleKey.ruleset(key))) {
                state.rules.delete(key);
            }
        }
        for (byte[] key : state.hosts.keys()) {
            if (ids.contains(HostKey.ruleset(key))) {
                state.hosts.delete(key);
            }
        }
        for (byte[] key : state.portLists.keys()) {
            if (ids.contains(ByteBuffer.wrap(key).order(java.nio.ByteOrder.nativeOrder()).getInt(PortListKey.OFFSET_RULESET))) {
                state.portLists.delete(key);
            }
        }
        for (int id : ids) {
            state.rulesets.delete(RulesetInfo.key(id));
            Files.deleteIfExists(PrefixFile.of(runtime, id));
        }
    }

    /** One registered ruleset's bookkeeping. */
    Optional<RulesetInfo> info(int id) throws BpfException {
        return state.rulesets.lookup(RulesetInfo.key(id)).map(RulesetInfo::decode);
    }

    /** Every registered ruleset id with its bookkeeping. */
    Map<Integer, RulesetInfo> registered() throws BpfException {
        Map<Integer, RulesetInfo> all = new HashMap<>();
        for (byte[] key : state.rulesets.keys()) {
            state.rulesets.lookup(key).ifPresent(v -> all.put(RulesetInfo.decodeKey(key), RulesetInfo.decode(v)));
        }
        return all;
    }

    /** Refuses, before anything is written, rulesets that would not fit beside those in place. */
    void checkCapacity(CompiledRuleset... incoming) throws BpfException {
        long entries = 0;
        long lists = 0;
        for (RulesetInfo info : registered().values()) {
            entries += info.entries();
            lists += info.portLists();
        }
        long newEntries = 0;
        long newLists = 0;
        for (CompiledRuleset ruleset : incoming) {
            newEntries += ruleset.entries().size();
            newLists += ruleset.portLists().size();
        }
        if (entries + newEntries > state.rules.maxEntries()) {
            throw new PolicyTooLargeException("the policy needs " + newEntries + " prefix entries but only "
                    + (state.rules.maxEntries() - entries) + " of " + state.rules.maxEntries() + " are free");
        }
        if (lists + newLists > state.portLists.maxEntries()) {
            throw new PolicyTooLargeException("the policy needs " + newLists + " port lists but only "
                    + (state.portLists.maxEntries() - lists) + " of " + state.portLists.maxEntries() + " are free");
        }
    }
}
