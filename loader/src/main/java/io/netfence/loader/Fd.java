package io.netfence.loader;

import io.netfence.loader.internal.LibC;

/** Owns one file descriptor and closes it once. */
public final class Fd implements AutoCloseable {
    private int fd;

    private Fd(int fd) {
        this.fd = fd;
    }

    /** Takes ownership of a descriptor a libbpf call returned ({@code -errno} on failure). */
    public static Fd adopt(int result, String operation) throws BpfException {
        return new Fd(BpfException.check(result, operation));
    }

    /** Opens a directory, e.g. a cgroup, read-only for use as an attach target. */
    public static Fd openDirectory(String path) throws BpfException {
        int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new BpfException("open " + path, com.sun.jna.Native.getLastError());
        }
        return new Fd(fd);
    }

    public int get() {
        if (fd < 0) {
            throw new IllegalStateException("file descriptor already closed");
        }
        return fd;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }
}
