package io.netfence.agent.datapath;

import io.netfence.agent.datapath.CompiledRuleset.Entry;
import io.netfence.agent.datapath.abi.PortListKey;
import io.netfence.agent.datapath.abi.PortListValue;
import io.netfence.agent.datapath.abi.RuleKey;
import io.netfence.agent.datapath.abi.RuleValue;
import io.netfence.agent.datapath.abi.RulesetInfo;
import io.netfence.loader.BpfException;
import io.netfence.loader.BpfMap;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes and removes compiled rulesets in nf_rules / nf_portlists, with nf_rulesets as the
 * registry of which ids exist. A ruleset is written whole under a fresh id before anything
 * points at it, so a policy swap is one write of the cgroup's policy storage.
 */
final class RulesetStore {
    private static final int BATCH = 65536;
    private final PinnedState state;

    RulesetStore(PinnedState state) {
        this.state = state;
    }

    /** Registers a fresh ruleset id for the cgroup and writes the ruleset under it. */
    int write(long cgroupId, CompiledRuleset ruleset) throws BpfException {
        int id = allocate(cgroupId, ruleset);
        for (int i = 0; i < ruleset.portLists().size(); i++) {
            state.portLists.update(PortListKey.encode(id, i + 1), PortListValue.encode(ruleset.portLists().get(i)), BpfMap.ANY);
        }
        for (int start = 0; start < ruleset.entries().size(); start += BATCH) {
            int count = Math.min(BATCH, ruleset.entries().size() - start);
            ByteBuffer keys = ByteBuffer.allocate(count * RuleKey.SIZE);
            ByteBuffer values = ByteBuffer.allocate(count * RuleValue.SIZE);
            for (Entry entry : ruleset.entries().subList(start, start + count)) {
                RuleKey.encode(keys, id, entry.prefix());
                RuleValue.encode(values, entry.fallback(), entry.portList());
            }
            state.rules.updateAll(keys.array(), values.array(), count);
        }
        return id;
    }

    private int allocate(long cgroupId, CompiledRuleset ruleset) throws BpfException {
        byte[] info = new RulesetInfo(cgroupId, ruleset.entries().size(), ruleset.portLists().size()).encode();
        while (true) {
            int id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
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

    /** Removes a ruleset whose content is known (its keys are recomputed, not searched for). */
    void delete(int id, CompiledRuleset ruleset) throws BpfException {
        for (Entry entry : ruleset.entries()) {
            state.rules.delete(RuleKey.encode(id, entry.prefix()));
        }
        for (int i = 1; i <= ruleset.portLists().size(); i++) {
            state.portLists.delete(PortListKey.encode(id, i));
        }
        state.rulesets.delete(RulesetInfo.key(id));
    }

    /** Removes rulesets whose content is unknown by scanning both maps: O(all rules on the host). */
    void deleteByScan(Set<Integer> ids) throws BpfException {
        if (ids.isEmpty()) {
            return;
        }
        for (byte[] key : state.rules.keys()) {
            if (ids.contains(RuleKey.ruleset(key))) {
                state.rules.delete(key);
            }
        }
        for (byte[] key : state.portLists.keys()) {
            if (ids.contains(ByteBuffer.wrap(key).order(java.nio.ByteOrder.nativeOrder()).getInt(PortListKey.OFFSET_RULESET))) {
                state.portLists.delete(key);
            }
        }
        for (int id : ids) {
            state.rulesets.delete(RulesetInfo.key(id));
        }
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
