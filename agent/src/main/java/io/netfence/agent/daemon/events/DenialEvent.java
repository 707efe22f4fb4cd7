package io.netfence.agent.daemon.events;

import io.netfence.agent.datapath.abi.Event;
import io.netfence.agent.datapath.abi.Flow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A kernel event with the names the agent knows for its numbers. */
public record DenialEvent(Instant time, Event raw, String cgroup, String unit, String policy) {

    public String destination() {
        return raw.flow().describe();
    }

    public String hook() {
        return raw.flow().hookName();
    }

    public String direction() {
        return raw.direction() == 0 ? "egress" : "ingress";
    }

    /** The JSON form, one line per event in the API stream and the events file. */
    public Map<String, Object> json() {
        Flow flow = raw.flow();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", time);
        m.put("action", raw.audit() ? "audit" : "deny");
        m.put("policy", policy);
        m.put("cgroup", cgroup);
        m.put("cgroup_id", raw.cgroupId());
        m.put("unit", unit);
        m.put("pid", raw.pid() == 0 ? null : raw.pid());
        m.put("comm", raw.comm().isEmpty() ? null : raw.comm());
        m.put("direction", direction());
        m.put("hook", hook());
        m.put("destination", destination());
        m.put("address", io.netfence.agent.policy.IpPrefix.of(flow.address(), flow.address().length * 8).addressText());
        m.put("port", flow.port());
        m.put("protocol", flow.protocolName());
        m.put("suppressed_before", raw.suppressed());
        return m;
    }
}
