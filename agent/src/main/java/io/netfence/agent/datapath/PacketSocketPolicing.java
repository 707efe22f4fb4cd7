package io.netfence.agent.datapath;

/**
 * Whether policies can refuse AF_PACKET and AF_XDP sockets on this host.
 *
 * @param how by what mechanism, or why none holds
 */
public record PacketSocketPolicing(boolean enforced, String how) {
    /** One line for status and warnings. */
    public String describe() {
        return enforced ? "refused where a policy says so, " + how : "NOT policed on this kernel: " + how;
    }
}
