package io.netfence.agent.daemon;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupException;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.cgroup.CgroupTree;
import io.netfence.agent.config.PolicySpec;
import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.AttachmentRecord;
import io.netfence.agent.datapath.Datapath;
import io.netfence.agent.datapath.PolicyIds;
import io.netfence.agent.datapath.RulesetOwner;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.datapath.abi.PolicySlot;
import io.netfence.agent.names.NamePolicy;
import io.netfence.agent.policy.Policy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keeps the kernel in line with the policy files: every cgroup a policy targets points at that
 * policy's rulesets, and no other cgroup carries the agent's programs. One policy's rulesets are
 * written once and shared by all its cgroups; a changed policy gets new rulesets, every cgroup
 * is re-pointed in one storage write each, and only then are the old ones deleted. Not thread
 * safe: the agent calls it from one thread.
 */
final class Reconciler {
    /** The slot of a cgroup that matches more policies than it can hold: it denies everything. */
    private static final AppliedPolicy DENY_ALL = new AppliedPolicy("(deny-all)", 0, 0, 0, false, false, false);
    private static final List<AppliedPolicy> DENY_ALL_SLOTS = List.of(DENY_ALL);

    private final Datapath datapath;
    private final CgroupFs cgroups;
    private final CgroupTree tree;
    private final RulesetOwner owner = RulesetOwner.agent(ProcessHandle.current().pid());
    private List<PolicySpec> specs = List.of();
    private final Map<String, AppliedPolicy> applied = new HashMap<>();
    private final Map<String, Policy> appliedContent = new HashMap<>();
    private final PolicyIds policyIds;
    private final boolean recordFlows;
    private final PointedCgroups pointed = new PointedCgroups();
    /** Policies whose cgroups an apply failed to repoint all: the next apply visits them too. */
    private final Set<String> unfinished = new HashSet<>();
    private final Map<String, String> conflicts = new TreeMap<>();
    private final AttachmentNames names;


    Reconciler(Datapath datapath, CgroupFs cgroups) {
        this(datapath, cgroups, PolicyIds.inMemory(), false, AttachmentNames.NONE);
    }

    /**
     * @param recordFlows every policy also records its flows (the agent's flow history), whatever
     *                    its mode; it changes no verdict
     * @param names       the DNS side of policies with name rules
     */
    Reconciler(Datapath datapath, CgroupFs cgroups, PolicyIds policyIds, boolean recordFlows, AttachmentNames names) {
        this.names = names;
        this.datapath = datapath;
        this.cgroups = cgroups;
        this.tree = new CgroupTree(cgroups.mount());
        this.policyIds = policyIds;
        this.recordFlows = recordFlows;
    }

    CgroupTree tree() {
        return tree;
    }

    /**
     * Makes the specs the policies in force. Writing comes first and is undone on failure (the
     * old policies then stay in force untouched); pointing cgroups comes second.
     */
    void apply(List<PolicySpec> newSpecs) throws IOException {
        Map<String, AppliedPolicy> fresh = new LinkedHashMap<>();
        try {
            for (PolicySpec spec : newSpecs) {
                Policy current = appliedContent.get(spec.name());
                if (current == null || !current.equals(spec.policy())) {
                    fresh.put(spec.name(), write(spec));
                }
            }
        } catch (IOException | RuntimeException e) {
            datapath.deleteUnreferencedAgentRulesets(keptRulesets()); // what was written: nothing points at it
            throw e;
        }
        boolean sameTargets = targets(specs).equals(targets(newSpecs));
        Set<String> names = new HashSet<>();
        for (PolicySpec spec : newSpecs) {
            names.add(spec.name());
            if (fresh.containsKey(spec.name())) {
                applied.put(spec.name(), fresh.get(spec.name()));
                appliedContent.put(spec.name(), spec.policy());
            }
        }
        applied.keySet().retainAll(names);
        appliedContent.keySet().retainAll(names);
        policyIds.keepOnly(names);
        specs = List.copyOf(newSpecs);
        if (sameTargets) {
            repointStale(fresh.keySet());
        } else {
            reconcileAll();
        }
    }

    /**
     * Deletes the rulesets of earlier versions of the policies, once no cgroup points at them.
     * Apart from {@link #apply}: the agent runs it right after, so a change is in force (and
     * answered) without waiting for a scan of every cgroup's storage.
     */
    void collectOldRulesets() throws IOException {
        datapath.deleteUnreferencedAgentRulesets(keptRulesets());
    }

    private static Map<String, String> targets(List<PolicySpec> specs) {
        Map<String, String> targets = new HashMap<>();
        specs.forEach(s -> targets.put(s.name(), s.target().text()));
        return targets;
    }

    /**
     * Points again every cgroup that points at a version of a policy other than the one in force:
     * of the changed policies, and of those an earlier apply could not finish.
     */
    private void repointStale(Set<String> changed) throws IOException {
        unfinished.addAll(changed);
        List<String> stale = new ArrayList<>();
        for (long id : pointed.pointingAt(unfinished)) {
            PointedCgroups.Pointed p = pointed.get(id);
            for (AppliedPolicy a : p.policies()) {
                if (a != DENY_ALL && a != applied.get(a.name())) { // cgroups are pointed at the very instances in force
                    stale.add(p.path());
                    break;
                }
            }
        }
        for (String path : stale) {
            ensure(path, null);
        }
        unfinished.clear();
    }

    /** Writes one policy's rulesets; a failure names the policy and where it is defined. */
    private AppliedPolicy write(PolicySpec spec) throws IOException {
        try {
            return datapath.write(recordFlows ? spec.policy().recording() : spec.policy(), owner, policyIds.of(spec.name()));
        } catch (IOException | RuntimeException e) {
            throw new IOException(spec.source() + ": policy '" + spec.name() + "': " + e.getMessage(), e);
        }
    }

    /** The rulesets of the policies in force: kept while the agent may point new cgroups at them. */
    private Set<Integer> keptRulesets() {
        Set<Integer> kept = new HashSet<>();
        applied.values().forEach(p -> kept.addAll(p.rulesets()));
        return kept;
    }

    /** Points every matching cgroup, and takes the agent off cgroups no policy targets any more. */
    void reconcileAll() throws IOException {
        conflicts.clear();
        Set<String> desired = new HashSet<>();
        Map<Long, Optional<AttachmentRecord>> attachments = datapath.attachments();
        for (String path : tree.all()) {
            if (ensure(path, attachments)) {
                desired.add(path);
            }
        }
        for (Map.Entry<Long, Optional<AttachmentRecord>> e : attachments.entrySet()) {
            Optional<AttachmentRecord> record = e.getValue();
            if (record.isPresent() && record.get().kind() == AttachmentRecord.Kind.AGENT && !desired.contains(record.get().cgroupPath())) {
                datapath.detach(e.getKey());
                pointed.remove(e.getKey());
                names.released(CgroupPolicy.scopeOf(e.getKey()));
                Log.info("Released " + record.get().cgroupPath() + ": no policy targets it any more.");
            }
        }
        unfinished.clear(); // every cgroup was visited
    }

    /**
     * The safety net behind inotify: points cgroups a missed event left unpointed and releases
     * those this agent pointed that are gone. Unlike {@link #reconcileAll} it reads no attachment
     * record of a cgroup this agent pointed already: at 10,000 cgroups it is a walk of the tree.
     */
    void rescan() throws IOException {
        for (String path : tree.all()) {
            ensure(path, null);
        }
        for (Map.Entry<Long, PointedCgroups.Pointed> e : new ArrayList<>(pointed.all().entrySet())) {
            if (!cgroups.exists(e.getValue().path(), e.getKey())) {
                cgroupVanished(e.getValue().path());
            }
        }
    }

    /** A new cgroup (and what is below it) gets its policies right away. */
    void cgroupAppeared(String path) throws IOException {
        for (String p : tree.below(tree.directory(path))) {
            ensure(p, null);
        }
    }

    /** A removed cgroup's attachment is defunct: release its pins and record. */
    void cgroupVanished(String path) throws IOException {
        conflicts.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
        List<Long> gone = new ArrayList<>();
        pointed.all().forEach((id, p) -> {
            if (p.path().equals(path) || p.path().startsWith(path + "/")) {
                gone.add(id);
            }
        });
        for (long id : gone) {
            if (!cgroups.exists(pointed.get(id).path(), id)) {
                datapath.detach(id);
                pointed.remove(id);
                names.released(CgroupPolicy.scopeOf(id));
            }
        }
    }

    /**
     * Points one cgroup at the policies targeting it; returns whether any does.
     *
     * @param attachments all attachments, when the caller has them; null to look up this cgroup's
     */
    private boolean ensure(String path, Map<Long, Optional<AttachmentRecord>> attachments) throws IOException {
        List<PolicySpec> matching = specs.stream().filter(s -> s.target().matches(path)).toList();
        if (matching.isEmpty()) {
            return false;
        }
        Cgroup cgroup;
        try {
            cgroup = cgroups.open(path);
        } catch (CgroupException e) {
            return false; // gone again already
        }
        List<AppliedPolicy> policies = matching.stream().map(s -> applied.get(s.name())).toList();
        if (policies.size() > CgroupPolicy.MAX_SLOTS) {
            conflicts.put(path, matching.size() + " policies target it but a cgroup holds at most " + CgroupPolicy.MAX_SLOTS
                    + "; all its traffic is denied");
            policies = DENY_ALL_SLOTS;
        }
        PointedCgroups.Pointed before = pointed.get(cgroup.id());
        boolean current = before != null && before.policies().equals(policies);
        if (current && attachments == null) {
            return true; // pointed by this agent at these very versions: no record read (a full pass has them all at hand)
        }
        Optional<AttachmentRecord> record = attachments != null ? attachments.getOrDefault(cgroup.id(), Optional.empty())
                : datapath.attachment(cgroup.id());
        if (record.isPresent() && record.get().kind() != AttachmentRecord.Kind.AGENT) {
            conflicts.put(path, "confined by 'netfence " + record.get().kind().name().toLowerCase() + "'; the agent leaves it alone");
            return true;
        }
        if (current) {
            return true;
        }
        int scope = CgroupPolicy.scopeOf(cgroup.id());
        List<NamePolicy> namePolicies = policies == DENY_ALL_SLOTS ? List.of() : matching.stream()
                .filter(s -> s.policy().hasNames()).map(s -> NamePolicy.of(scope, s.policy(), applied.get(s.name()))).toList();
        names.pointing(scope, namePolicies);
        datapath.point(cgroup, policies, AttachmentRecord.of(cgroup, matching.stream().map(PolicySpec::policy).toList(),
                AttachmentRecord.Kind.AGENT, ProcessHandle.current().pid()), names.proxyPort());
        names.pointed(scope, namePolicies);
        pointed.put(cgroup.id(), new PointedCgroups.Pointed(path, policies));
        if (policies != DENY_ALL_SLOTS) {
            conflicts.remove(path);
        }
        return true;
    }

    /** A policy in force, as written and as its files say it. */
    record Known(Policy policy, AppliedPolicy applied) {}

    /** The agent policy a slot in the kernel is, when it is one of this agent's policies in force. */
    Optional<Known> knownPolicy(PolicySlot slot) {
        for (Map.Entry<String, AppliedPolicy> e : applied.entrySet()) {
            AppliedPolicy a = e.getValue();
            if (a.egressRuleset() == slot.egressRuleset() && a.ingressRuleset() == slot.ingressRuleset()) {
                return Optional.of(new Known(appliedContent.get(e.getKey()), a));
            }
        }
        return Optional.empty();
    }

    /** Policy name → the cgroups it is in force on. */
    Map<String, List<String>> matched() {
        Map<String, List<String>> byPolicy = new TreeMap<>();
        specs.forEach(s -> byPolicy.put(s.name(), new ArrayList<>()));
        for (PointedCgroups.Pointed p : pointed.all().values()) {
            for (AppliedPolicy policy : p.policies()) {
                byPolicy.computeIfPresent(policy.name(), (k, v) -> {
                    v.add(p.path());
                    return v;
                });
            }
        }
        byPolicy.values().forEach(l -> l.sort(null));
        return byPolicy;
    }

    /** Policy name → how many cgroups it is in force on. */
    Map<String, Integer> matchedCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        specs.forEach(s -> counts.put(s.name(), pointed.count(s.name())));
        return counts;
    }

    List<PolicySpec> specs() {
        return specs;
    }

    Map<String, String> conflicts() {
        return Map.copyOf(conflicts);
    }

    Map<Integer, String> policyNamesById() {
        return policyIds.names();
    }

    /** Every id given to a policy since boot is at most this; 'netfence run' records carry larger ones. */
    int highestPolicyId() {
        return policyIds.highest();
    }

    /** Whether the policy's cgroups record its flows: learn mode, or every policy under flow history. */
    boolean records(PolicySpec spec) {
        return recordFlows || spec.policy().learn();
    }
}
