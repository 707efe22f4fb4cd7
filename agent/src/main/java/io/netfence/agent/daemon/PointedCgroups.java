package io.netfence.agent.daemon;

import io.netfence.agent.datapath.AppliedPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What this agent pointed each cgroup at, by cgroup id and by policy name: a policy's change
 * visits the cgroups it is in force on, not every cgroup (at 10,000 cgroups two walks of all of
 * them were most of a change's Java time).
 */
final class PointedCgroups {
    /** What a cgroup was last pointed at by this agent. */
    record Pointed(String path, List<AppliedPolicy> policies) {}

    private final Map<Long, Pointed> byId = new HashMap<>();
    private final Map<String, Set<Long>> byPolicy = new HashMap<>();

    Pointed get(long cgroupId) {
        return byId.get(cgroupId);
    }

    void put(long cgroupId, Pointed pointed) {
        unindex(cgroupId, byId.put(cgroupId, pointed));
        for (AppliedPolicy policy : pointed.policies()) {
            byPolicy.computeIfAbsent(policy.name(), k -> new HashSet<>()).add(cgroupId);
        }
    }

    void remove(long cgroupId) {
        unindex(cgroupId, byId.remove(cgroupId));
    }

    private void unindex(long cgroupId, Pointed old) {
        if (old == null) {
            return;
        }
        for (AppliedPolicy policy : old.policies()) {
            Set<Long> ids = byPolicy.get(policy.name());
            if (ids != null && ids.remove(cgroupId) && ids.isEmpty()) {
                byPolicy.remove(policy.name());
            }
        }
    }

    /** The cgroups pointed at any version of the named policies. */
    List<Long> pointingAt(Collection<String> policyNames) {
        Set<Long> ids = new HashSet<>();
        for (String name : policyNames) {
            ids.addAll(byPolicy.getOrDefault(name, Set.of()));
        }
        return new ArrayList<>(ids);
    }

    /** How many cgroups are pointed at a version of the policy. */
    int count(String policyName) {
        return byPolicy.getOrDefault(policyName, Set.of()).size();
    }

    /** Every cgroup id with what it is pointed at (a view: changes go through put and remove). */
    Map<Long, Pointed> all() {
        return Collections.unmodifiableMap(byId);
    }
}
