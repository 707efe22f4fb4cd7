package io.netfence.agent.cgroup;

import java.nio.file.Path;

/**
 * A cgroup2 directory. {@code path} is relative to the cgroup2 mount, e.g.
 * {@code /system.slice/payments.service}; {@code id} is the directory's inode number, which is
 * the id the kernel's BPF helpers report.
 */
public record Cgroup(String path, Path directory, long id) {

    @Override
    public String toString() {
        return path;
    }
}
