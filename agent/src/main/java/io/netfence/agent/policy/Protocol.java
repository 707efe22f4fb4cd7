package io.netfence.agent.policy;

import java.util.Locale;

/** Protocols a rule can name. ICMP means ICMPv6 for IPv6 prefixes. */
public enum Protocol {
    TCP(6), UDP(17), ICMP(1);

    private final int ipProtocol;

    Protocol(int ipProtocol) {
        this.ipProtocol = ipProtocol;
    }

    /** The IPPROTO_* number (for ICMP, the IPv4 one). */
    public int ipProtocol() {
        return ipProtocol;
    }

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Protocol parse(String text) {
        for (Protocol p : values()) {
            if (p.keyword().equals(text)) {
                return p;
            }
        }
        return null;
    }
}
