package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.Flow;
import java.net.InetAddress;
import java.util.Optional;

/** A denied flow as people read it. */
public record DeniedFlow(Flow flow) {

    /** {@code 198.18.0.2:443/tcp}, {@code [fd00::2]:53/udp}, {@code 198.18.0.2/icmp}. */
    public String destination() {
        return flow.describe();
    }

    /** Where it was denied: connect, sendmsg, egress, ingress or sock_create. */
    public String hook() {
        return flow.hookName();
    }

    public Optional<InetAddress> address() {
        return flow.inetAddress();
    }

    /** {@code 198.18.0.2:443/tcp (connect)}, as run's summary shows it. */
    public String summary() {
        return summary(Optional.empty());
    }

    /** {@code api.example.test (198.18.0.2):443/tcp (connect)}: with the name the address was looked up by. */
    public String summary(Optional<String> name) {
        return name.map(flow::describe).orElseGet(flow::describe) + " (" + hook() + ")";
    }
}
