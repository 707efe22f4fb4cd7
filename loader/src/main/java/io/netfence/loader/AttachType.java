package io.netfence.loader;

/** The cgroup attach points netfence uses (enum bpf_attach_type). LSM_CGROUP needs Linux 6.0. */
public enum AttachType {
    CGROUP_INET_INGRESS(0),
    CGROUP_INET_EGRESS(1),
    CGROUP_INET_SOCK_CREATE(2),
    CGROUP_INET4_CONNECT(10),
    CGROUP_INET6_CONNECT(11),
    CGROUP_UDP4_SENDMSG(14),
    CGROUP_UDP6_SENDMSG(15),
    CGROUP_UDP4_RECVMSG(19),
    LSM_CGROUP(43);

    private final int kernelValue;

    AttachType(int kernelValue) {
        this.kernelValue = kernelValue;
    }

    public int kernelValue() {
        return kernelValue;
    }
}
