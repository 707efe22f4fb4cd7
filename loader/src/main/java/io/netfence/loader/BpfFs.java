package io.netfence.loader;

import io.netfence.loader.internal.LibC;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The BPF filesystem, where pins keep programs, maps and links alive without a process. */
public final class BpfFs {
    public static final Path DEFAULT_MOUNT = Path.of("/sys/fs/bpf");

    private BpfFs() {}

    /**
     * The bpffs mount point, mounting it at /sys/fs/bpf first if nothing is mounted (as systemd
     * does at boot; some container and VM images skip it).
     */
    public static Path mountPoint() throws IOException {
        Optional<Path> mounted = findMountPoint();
        if (mounted.isPresent()) {
            return mounted.get();
        }
        Files.createDirectories(DEFAULT_MOUNT);
        if (LibC.mount("bpf", DEFAULT_MOUNT.toString(), "bpf", 0, null) != 0) {
            throw new BpfException("mount bpffs at " + DEFAULT_MOUNT, com.sun.jna.Native.getLastError());
        }
        return DEFAULT_MOUNT;
    }

    /** The bpffs mount point, /sys/fs/bpf if bpffs is mounted there; mounts nothing. */
    public static Optional<Path> findMountPoint() throws IOException {
        List<MountInfo> mounts = MountInfo.ofType("bpf");
        if (mounts.stream().anyMatch(m -> m.mountPoint().equals(DEFAULT_MOUNT.toString()))) {
            return Optional.of(DEFAULT_MOUNT);
        }
        return mounts.stream().findFirst().map(m -> Path.of(m.mountPoint()));
    }

    /** Removes a pin; returns whether it existed. The object lives on while other fds hold it. */
    public static boolean unpin(Path pin) {
        try {
            return Files.deleteIfExists(pin);
        } catch (IOException e) {
            throw new UncheckedIOException("remove pin " + pin, e);
        }
    }
}
