package io.netfence.agent.policy;

import java.util.Locale;

/** Protocols a rule can name. ICMP means ICMPv6 for IPv6 prefixes. */
public enum Protocol {
    TCP, UDP, ICMP;

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
