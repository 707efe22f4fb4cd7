package io.netfence.agent.daemon;

import io.netfence.agent.api.ApiBody.FlowHistoryView;
import io.netfence.agent.api.ApiBody.FlowView;
import io.netfence.agent.learn.ObservedFlow;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.PortRange;

/** Recorded flows, and the flow history, on the control API's wire and back. */
public final class FlowViews {
    private FlowViews() {}

    public static FlowView view(ObservedFlow f) {
        return new FlowView(f.ingress(), f.remote().addressText(), f.protocol(), f.ports() == null ? 0 : f.ports().from(),
                f.ports() == null ? 0 : f.ports().to(), f.own(), f.packets(), f.bytes(), f.denied(), f.first(), f.last());
    }

    public static ObservedFlow flow(FlowView v) {
        return new ObservedFlow(v.ingress(), IpPrefix.parse(v.remote()), v.protocol(),
                v.portFrom() == 0 ? null : new PortRange(v.portFrom(), v.portTo()), v.own(), v.packets(), v.bytes(), v.denied(),
                v.first(), v.last());
    }

    static FlowHistoryView history(FlowHistoryKeeper.Usage usage) {
        return new FlowHistoryView(usage.config().enabled(), usage.config().maxAge().toSeconds(), usage.config().maxFlows(),
                usage.capacity(), usage.memoryBytes(), usage.records(), usage.sweptAt(), usage.expired());
    }
}
