package io.netfence.agent.daemon.events;

import io.netfence.agent.api.DenialRecord;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.Event;
import io.netfence.agent.datapath.abi.Flow;
import io.netfence.agent.policy.IpPrefix;
import java.time.Instant;

/** A kernel event with the names the agent knows for its numbers. */
public record DenialEvent(Instant time, Event raw, String cgroup, String unit, String policy, String name) {

    /** @param name the host name the destination's address was learned from, null when none is known */
    public DenialEvent {}

    public DenialEvent(Instant time, Event raw, String cgroup, String unit, String policy) {
        this(time, raw, cgroup, unit, policy, null);
    }

    /**
     * Where it was going; a refused lookup (hook dns) names the name asked and the resolver it was
     * asked of.
     */
    public String destination() {
        if (raw.flow().hook() == Abi.HOOK_DNS) {
            return name + " (lookup via " + raw.flow().describe() + ")";
        }
        return name == null ? raw.flow().describe() : raw.flow().describe(name);
    }

    public String hook() {
        return raw.flow().hookName();
    }

    public String direction() {
        return raw.direction() == 0 ? "egress" : "ingress";
    }

    /** The API's form, one JSON line per event in the API stream and the events file. */
    public DenialRecord record() {
        Flow flow = raw.flow();
        return new DenialRecord(time, raw.audit() ? "audit" : "deny", policy, cgroup, raw.cgroupId(), unit,
                raw.pid() == 0 ? null : raw.pid(), raw.comm().isEmpty() ? null : raw.comm(), direction(), hook(), destination(),
                IpPrefix.of(flow.address(), flow.address().length * 8).addressText(), flow.port(), flow.protocolName(), raw.suppressed(), name);
    }
}
