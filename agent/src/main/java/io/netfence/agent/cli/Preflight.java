package io.netfence.agent.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.netfence.agent.cgroup.CgroupException;
import io.netfence.agent.cgroup.CgroupFs;
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
