package io.netfence.agent.cli;

import com.sun.security.auth.module.UnixSystem;
import io.netfence.agent.cgroup.CgroupException;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.loader.LibBpfCheck;

/** Checks that this host and user can run netfence, before anything is changed. */
final class Preflight {
    private Preflight() {}

    static CgroupFs check() {
        if (new UnixSystem().getUid() != 0) {
            throw new UsageException("must run as root (netfence loads BPF programs and changes cgroups)");
        }
        LibBpfCheck.problem().ifPresent(reason -> {
            throw new UsageException("cannot load " + LibBpfCheck.SONAME + " (install the libbpf1 package): " + reason);
        });
        try {
            return CgroupFs.discover();
        } catch (CgroupException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
