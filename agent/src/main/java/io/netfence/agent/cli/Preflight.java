package io.netfence.agent.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import io.netfence.agent.cgroup.CgroupException;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.loader.BpfFs;
import io.netfence.loader.LibBpfCheck;

/** Checks that this host and user can run netfence, before anything is changed. */
final class Preflight {
    private Preflight() {}

    /**
     * Whether this process's effective uid is 0, from /proc (the JDK's UnixSystem reports 0 for
     * a uid that has no passwd entry).
     */
    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.substring(4).trim().split("\\s+")[1]).findFirst().orElse("").equals("0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Why the agent must not start here, if it must not: under systemd (which sets INVOCATION_ID
     * for every service) the agent may run in a mount namespace of its own (PrivateTmp=,
     * ProtectSystem=), where a bpffs it mounted itself would be private to the unit and vanish
     * with it, detaching every policy. There bpffs must have been mounted on the host before.
     */
    static Optional<String> agentBpfFsProblem(Optional<Path> bpffs, Map<String, String> environment) {
        if (bpffs.isPresent() || !environment.containsKey("INVOCATION_ID")) {
            return Optional.empty();
        }
        return Optional.of("no bpffs is mounted at " + BpfFs.DEFAULT_MOUNT + " in this service's mount namespace; one the agent"
                + " mounted here could vanish with the service and detach every policy. Mount it on the host before the agent"
                + " starts (the package's netfence.service does so through Requires=netfence-bpffs.service)");
    }

    /** {@link #check()}, and for the agent {@link #agentBpfFsProblem} as a usage error. */
    static CgroupFs checkAgent() {
        CgroupFs cgroups = check();
        try {
            agentBpfFsProblem(BpfFs.findMountPoint(), System.getenv()).ifPresent(problem -> {
                throw new UsageException(problem);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cgroups;
    }

    static CgroupFs check() {
        if (!isRoot()) {
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
