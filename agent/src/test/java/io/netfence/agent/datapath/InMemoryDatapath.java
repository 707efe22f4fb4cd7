package io.netfence.agent.datapath;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.policy.Policy;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kernel's datapath as plain maps, keeping the kernel's rules: a cgroup holds 1 to
 * {@link CgroupPolicy#MAX_SLOTS} policies, may only point at rulesets that exist, and a ruleset
 * some cgroup points at is never deleted. Breaking a rule fails loudly, as a test should.
 */
public final class InMemoryDatapath implements Datapath {
    private final Map<Integer, RulesetOwner> rulesets = new TreeMap<>();
    private final Map<Long, List<AppliedPolicy>> pointed = new HashMap<>();
    private final Map<Long, AttachmentRecord> records = new LinkedHashMap<>();
    private final Set<Long> failingCgroups = new HashSet<>();
    private final Map<Long, Integer> pointings = new HashMap<>();
    private int maxRulesets = Integer.MAX_VALUE;
    private int nextId = 1;

    @Override
    public AppliedPolicy write(Policy policy, RulesetOwner owner, int policyId) {
        if (rulesets.size() + 2 > maxRulesets) {
            throw new PolicyTooLargeException("the maps hold " + maxRulesets + " rulesets");
        }
        int egress = nextId++;
        int ingress = nextId++;
        rulesets.put(egress, owner);
        rulesets.put(ingress, owner);
        return new AppliedPolicy(policy.name(), policyId == 0 ? egress : policyId, egress, ingress, policy.audit(),
                policy.allowsPacketSockets(), policy.learn());
    }

    @Override
    public void point(Cgroup cgroup, List<AppliedPolicy> policies, AttachmentRecord record, int dnsPort) throws IOException {
        new CgroupPolicy(policies.stream().map(AppliedPolicy::slot).toList(), 0); // 1 to MAX_SLOTS, as the kernel's
        for (AppliedPolicy policy : policies) {
            for (int id : policy.rulesets()) {
                if (id != Abi.RULESET_DENY_ALL && !rulesets.containsKey(id)) {
                    throw new IllegalStateException("cgroup " + cgroup + " pointed at ruleset " + id + ", which does not exist");
                }
            }
        }
        if (failingCgroups.contains(cgroup.id())) {
            throw new IOException("injected failure pointing " + cgroup);
        }
        pointed.put(cgroup.id(), List.copyOf(policies));
        pointings.merge(cgroup.id(), 1, Integer::sum);
        records.put(cgroup.id(), record);
    }

    @Override
    public void deleteUnreferencedAgentRulesets(Set<Integer> kept) {
        deleteUnreferenced(owner -> owner.isAgent(), kept);
    }

    private void deleteUnreferenced(java.util.function.Predicate<RulesetOwner> owners, Set<Integer> kept) {
        Set<Integer> referenced = referenced();
        rulesets.entrySet().removeIf(e -> owners.test(e.getValue()) && !kept.contains(e.getKey())
                && !referenced.contains(e.getKey()));
    }

    @Override
    public Map<Long, Optional<AttachmentRecord>> attachments() {
        Map<Long, Optional<AttachmentRecord>> all = new LinkedHashMap<>();
        records.forEach((id, record) -> all.put(id, Optional.of(record)));
        return all;
    }

    @Override
    public Optional<AttachmentRecord> attachment(long cgroupId) {
        return Optional.ofNullable(records.get(cgroupId));
    }

    @Override
    public boolean detach(long cgroupId) {
        boolean attached = records.remove(cgroupId) != null;
        pointed.remove(cgroupId);
        deleteUnreferenced(RulesetOwner.cgroup(cgroupId)::equals, Set.of());
        return attached;
    }

    /** What {@code netfence attach} does, to put a cgroup the agent must leave alone in place. */
    public void attachByCli(Cgroup cgroup, Policy policy) throws IOException {
        AppliedPolicy applied = write(policy, RulesetOwner.cgroup(cgroup.id()), 0);
        point(cgroup, List.of(applied), AttachmentRecord.of(cgroup, List.of(policy), AttachmentRecord.Kind.ATTACH, 0), 0);
    }

    /** Makes every later {@link #point} of this cgroup fail, until {@link #heal}. */
    /** How many times the cgroup was pointed (a storage write each in the kernel). */
    public int pointings(long cgroupId) {
        return pointings.getOrDefault(cgroupId, 0);
    }

    public void failPointing(long cgroupId) {
        failingCgroups.add(cgroupId);
    }

    public void heal() {
        failingCgroups.clear();
    }

    public void limitRulesets(int max) {
        maxRulesets = max;
    }

    /** The ids of the rulesets that exist. */
    public Set<Integer> rulesets() {
        return Set.copyOf(rulesets.keySet());
    }

    /** The rulesets a cgroup points at (empty: not attached). */
    public Set<Integer> rulesetsOf(long cgroupId) {
        Set<Integer> ids = new HashSet<>();
        pointed.getOrDefault(cgroupId, List.of()).forEach(p -> ids.addAll(p.rulesets()));
        return ids;
    }

    /** The names of the policies a cgroup points at, in slot order. */
    public List<String> policiesOf(long cgroupId) {
        return pointed.getOrDefault(cgroupId, List.of()).stream().map(AppliedPolicy::name).toList();
    }

    private Set<Integer> referenced() {
        Set<Integer> ids = new HashSet<>();
        pointed.keySet().forEach(id -> ids.addAll(rulesetsOf(id)));
        return ids;
    }
}
