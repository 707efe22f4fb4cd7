package io.netfence.agent.cgroup;

import io.netfence.loader.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cgroup2 hierarchy, wherever it is mounted: /sys/fs/cgroup on unified hosts,
 * /sys/fs/cgroup/unified on hybrid ones. Found in /proc/self/mountinfo, never assumed.
 */
public final class CgroupFs {
    private final Path mount;

    public CgroupFs(Path mount) {
        this.mount = mount;
    }

    public static CgroupFs discover() throws CgroupException {
        List<MountInfo> mounts;
        try {
            mounts = MountInfo.ofType("cgroup2");
        } catch (IOException e) {
            throw new CgroupException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        if (!mounts.isEmpty()) {
            return new CgroupFs(Path.of(mounts.get(0).mountPoint()));
        }
        throw new CgroupException("no cgroup2 filesystem is mounted (netfence needs the unified cgroup hierarchy)");
    }

    public Path mount() {
        return mount;
    }

    /** An existing cgroup by its path relative to the mount ("/" is the root cgroup). */
    public Cgroup open(String path) throws CgroupException {
        String normalized = normalize(path);
        Path directory = directory(normalized);
        if (!Files.isRegularFile(directory.resolve("cgroup.procs"))) {
            throw new CgroupException("cgroup " + normalized + " does not exist (looked for " + directory + ")");
        }
        return new Cgroup(normalized, directory, id(directory));
    }

    /** Creates a child cgroup (which must not exist yet). */
    public Cgroup create(String path) throws CgroupException {
        String normalized = normalize(path);
        Path directory = directory(normalized);
        try {
            Files.createDirectory(directory);
        } catch (IOException e) {
            throw new CgroupException("cannot create cgroup " + normalized + ": " + e, e);
        }
        return new Cgroup(normalized, directory, id(directory));
    }

    /** The cgroup the given process is in, from /proc/PID/cgroup's "0::" line. */
    public String cgroupOf(long pid) throws CgroupException {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                if (line.startsWith("0::")) {
                    String path = line.substring(3);
                    return path.endsWith(" (deleted)") ? path.substring(0, path.length() - 10) : path;
                }
            }
        } catch (IOException e) {
            throw new CgroupException("cannot read the cgroup of process " + pid + ": " + e.getMessage(), e);
        }
        throw new CgroupException("process " + pid + " is in no cgroup2 cgroup");
    }

    /** Whether a cgroup with this id still exists at this path. */
    public boolean exists(String path, long id) {
        try {
            Path directory = directory(normalize(path));
            return Files.isDirectory(directory) && id(directory) == id;
        } catch (CgroupException e) {
            return false;
        }
    }

    public static List<Long> processes(Cgroup cgroup) throws CgroupException {
        try {
            List<Long> pids = new ArrayList<>();
            for (String line : Files.readAllLines(cgroup.directory().resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
            return pids;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CgroupException("cannot list the processes of cgroup " + cgroup + ": " + e.getMessage(), e);
        }
    }

    /**
     * Kills every process in the cgroup and removes it, waiting at most {@code timeout} for the
     * processes to be gone. Uses cgroup.kill (Linux 5.14+) where it exists.
     */
    public static void killAndRemove(Cgroup cgroup, Duration timeout) throws CgroupException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path kill = cgroup.directory().resolve("cgroup.kill");
        while (true) {
            List<Long> pids = processes(cgroup);
            if (pids.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new CgroupException("cgroup " + cgroup + " still has processes " + pids + " after " + timeout.toMillis() + " ms");
            }
            try {
                if (Files.exists(kill)) {
                    Files.writeString(kill, "1");
                } else {
                    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                }
                Thread.sleep(5);
            } catch (IOException e) {
                throw new CgroupException("cannot kill the processes of cgroup " + cgroup + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CgroupException("interrupted while emptying cgroup " + cgroup, e);
            }
        }
        removeEmpty(cgroup, deadline);
    }

    private static void removeEmpty(Cgroup cgroup, long deadline) throws CgroupException {
        while (true) {
            try {
                Files.deleteIfExists(cgroup.directory());
                return;
            } catch (IOException e) {
                // EBUSY while the last exiting task is still being released
                if (System.nanoTime() > deadline) {
                    throw new CgroupException("cannot remove cgroup " + cgroup + ": " + e, e);
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CgroupException("interrupted while removing cgroup " + cgroup, ie);
                }
            }
        }
    }

    /** The directory of the cgroup at {@code path}, which may not exist. */
    public Path directoryOf(String path) throws CgroupException {
        return directory(normalize(path));
    }

    private Path directory(String normalized) {
        return normalized.equals("/") ? mount : mount.resolve(normalized.substring(1));
    }

    /** "/a/b" form; refuses anything that could leave the cgroup2 mount. */
    static String normalize(String path) throws CgroupException {
        if (path == null || path.isBlank()) {
            throw new CgroupException("empty cgroup path");
        }
        String p = path.startsWith("/") ? path : "/" + path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        for (String part : p.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw new CgroupException("cgroup path " + path + " may not contain '.' or '..'");
            }
        }
        return p.replaceAll("/+", "/");
    }

    /** A cgroup directory's id: its inode number, which the kernel's BPF helpers report. */
    public static long id(Path directory) throws CgroupException {
        try {
            return ((Number) Files.getAttribute(directory, "unix:ino")).longValue();
        } catch (IOException e) {
            throw new CgroupException("cannot read the id of cgroup " + directory + ": " + e.getMessage(), e);
        }
    }
}
