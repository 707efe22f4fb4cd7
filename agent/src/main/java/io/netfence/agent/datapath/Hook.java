package io.netfence.agent.datapath;

import io.netfence.loader.AttachType;
import java.util.List;

/**
 * netfence's programs and where each attaches. {@link #SOCK_CREATE} must be attached first.
 * {@link #PACKET_SOCKETS} is optional: loaded only where the kernel runs lsm_cgroup programs.
 */
public enum Hook {
    SOCK_CREATE("nf_sock_create", AttachType.CGROUP_INET_SOCK_CREATE),
    CONNECT4("nf_connect4", AttachType.CGROUP_INET4_CONNECT),
    CONNECT6("nf_connect6", AttachType.CGROUP_INET6_CONNECT),
    SENDMSG4("nf_sendmsg4", AttachType.CGROUP_UDP4_SENDMSG),
    SENDMSG6("nf_sendmsg6", AttachType.CGROUP_UDP6_SENDMSG),
    RECVMSG4("nf_recvmsg4", AttachType.CGROUP_UDP4_RECVMSG),
    SKB_EGRESS("nf_skb_egress", AttachType.CGROUP_INET_EGRESS),
    SKB_INGRESS("nf_skb_ingress", AttachType.CGROUP_INET_INGRESS),
    PACKET_SOCKETS("nf_socket_create", AttachType.LSM_CGROUP);

    /** The hooks that decide, attached once the policy is in place (the optional one where loaded). */
    public static final List<Hook> ENFORCING = List.of(CONNECT4, CONNECT6, SENDMSG4, SENDMSG6, RECVMSG4, SKB_EGRESS,
            SKB_INGRESS, PACKET_SOCKETS);

    private final String programName;
    private final AttachType attachType;

    Hook(String programName, AttachType attachType) {
        this.programName = programName;
        this.attachType = attachType;
    }

    public String programName() {
        return programName;
    }

    public AttachType attachType() {
        return attachType;
    }

    /** Whether netfence works without this program, on kernels that cannot run it. */
    public boolean optional() {
        return this == PACKET_SOCKETS;
    }
}
