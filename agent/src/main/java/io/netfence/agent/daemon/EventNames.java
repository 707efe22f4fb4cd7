package io.netfence.agent.daemon;

import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.cgroup.CgroupTree;
import io.netfence.agent.config.Target;
import io.netfence.agent.daemon.events.DenialEvent;
import io.netfence.agent.datapath.AttachmentRecord;
import io.netfence.agent.datapath.KernelDatapath;
import io.netfence.agent.datapath.abi.Event;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.names.AddressNames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Names for an event's numbers: the cgroup's path and unit, the policy's name. Cgroup paths are
 * cached (a miss walks the cgroup tree at most once a second); policy names come from the agent,
 * or, for cgroups confined by the CLI, from their attachment record.
 */
final class EventNames {
    private static final long RESCAN_NANOS = 1_000_000_000L;
    private final KernelDatapath datapath;
    private final CgroupTree tree;
    private final Supplier<Map<Integer, String>> agentPolicies;
    private final LongFunction<Instant> wallClock;
    private final AddressNames addressNames;
    private final Map<Long, String> paths = new ConcurrentHashMap<>();
    private volatile long lastScan;

    EventNames(KernelDatapath datapath, CgroupTree tree, Supplier<Map<Integer, String>> agentPolicies, LongFunction<Instant> wallClock,
               AddressNames addressNames) {
        this.addressNames = addressNames;
        this.datapath = datapath;
        this.tree = tree;
        this.agentPolicies = agentPolicies;
        this.wallClock = wallClock;
    }

    Function<Event, DenialEvent> resolver() {
        return event -> named(event, hostName(event).orElse(null));
    }

    /** A lookup the agent's proxy refused, named as kernel events are. */
    DenialEvent lookupRefused(Event event, String name) {
        return named(event, name);
    }

    private DenialEvent named(Event event, String hostName) {
        String path = path(event.cgroupId());
        return new DenialEvent(wallClock.apply(event.timestampNanos()), event, path, unitOf(path), policy(event), hostName);
    }

    /** The name the destination was learned from, when the agent's proxy answered it for this cgroup. */
    private Optional<String> hostName(Event event) {
        byte[] address = event.flow().address();
        if (address.length != 4 && address.length != 16) {
            return Optional.empty();
        }
        try {
            return addressNames.nameOf(CgroupPolicy.scopeOf(event.cgroupId()), InetAddress.getByAddress(address));
        } catch (UnknownHostException e) {
            return Optional.empty(); // not an address length: excluded above
        }
    }

    private String path(long id) {
        String known = paths.get(id);
        if (known != null) {
            return known;
        }
        try {
            Optional<AttachmentRecord> record = datapath.attachment(id);
            if (record.isPresent()) {
                paths.put(id, record.get().cgroupPath());
                return record.get().cgroupPath();
            }
        } catch (IOException e) {
            // fall back to the tree
        }
        long now = System.nanoTime();
        if (now - lastScan > RESCAN_NANOS) {
            lastScan = now;
            for (String p : tree.all()) {
                try {
                    paths.put(CgroupFs.id(tree.directory(p)), p);
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return paths.getOrDefault(id, "cgroup-id:" + id);
    }

    /** The unit a cgroup path belongs to: its deepest component that is a unit name. */
    static String unitOf(String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            String part = parts[i];
            if (Target.UNIT_SUFFIXES.stream().anyMatch(part::endsWith) && !part.endsWith(".slice")) {
                return part;
            }
        }
        return null;
    }

    private String policy(Event event) {
        String name = agentPolicies.get().get(event.policyId());
        if (name != null) {
            return name;
        }
        try {
            return datapath.attachment(event.cgroupId()).map(EventNames::cliPolicyLabel).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The bounded label of a cgroup confined outside the agent: 'run' for all run cgroups. */
    static String cliPolicyLabel(AttachmentRecord record) {
        return switch (record.kind()) {
            case RUN -> "run";
            case ATTACH -> "attach:" + record.cgroupPath();
            case AGENT -> String.join("+", record.policyNames());
        };
    }

}
