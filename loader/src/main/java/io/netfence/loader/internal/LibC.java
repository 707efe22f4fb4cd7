package io.netfence.loader.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** The libc calls the loader needs beside libbpf. Internal usage only! */
public final class LibC {
    public static final int O_RDONLY = 0;
    public static final int O_DIRECTORY = 0x10000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int F_DUPFD_CLOEXEC = 1030;

    static {
        Native.register(LibC.class, NativeLibrary.getInstance("c"));
    }

    private LibC() {}

    public static native int open(String path, int flags);

    public static native int close(int fd);

    public static native int fcntl(int fd, int command, int argument);

    public static native String strerror(int errno);

    public static native int mount(String source, String target, String fsType, long flags, Pointer data);

    public static native int vsnprintf(byte[] buffer, long size, String format, Pointer vaList);

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;

    public static native Pointer mmap(Pointer address, long length, int protection, int flags, int fd, long offset);

    public static native int munmap(Pointer address, long length);

    public static native int getpagesize();

    public static final int RLIMIT_MEMLOCK = 8;

    /** struct rlimit as two 64-bit words: current, maximum. */
    public static native int setrlimit(int resource, long[] limit);

    public static native int getrlimit(int resource, long[] limit);
}
