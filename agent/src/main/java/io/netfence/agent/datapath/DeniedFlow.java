package io.netfence.agent.datapath;

/**
 * A denied flow as people read it.
 *
 * @param destination {@code 198.18.0.2:443/tcp}, {@code [fd00::2]:53/udp}, {@code 198.18.0.2/icmp}
 * @param hook        where it was denied: connect, sendmsg, egress or ingress
 */
public record DeniedFlow(String destination, String hook) {
    /** {@code 198.18.0.2:443/tcp (connect)}, as run's summary shows it. */
    public String summary() {
        return destination + " (" + hook + ")";
    }
}
