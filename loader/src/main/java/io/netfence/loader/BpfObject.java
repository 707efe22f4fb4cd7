package io.netfence.loader;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netfence.loader.internal.LibBpf;
import io.netfence.loader.internal.LibBpfLog;
import java.util.Map;

/**
 * An ELF object of BPF programs and maps: open, configure, load, then take out the programs and
 * maps as fd owners that outlive this object. Lifecycle as in libbpf-bootstrap: open, set map
 * options, load, use, close.
 */
public final class BpfObject implements AutoCloseable {
    private final String name;
    private Pointer object;
    private Memory image;

    private BpfObject(String name, Pointer object, Memory image) {
        this.name = name;
        this.object = object;
        this.image = image;
    }

    /** Parses an object from its bytes; nothing reaches the kernel yet. */
    public static BpfObject open(String name, byte[] elf) throws BpfException {
        LibBpf.ensureLoaded();
        LibBpfLog.install();
        Memory image = new Memory(elf.length);
        image.write(0, elf, 0, elf.length);
        LibBpfLog.drain();
        Pointer object = LibBpf.bpf_object__open_mem(image, elf.length, null);
        if (object == null) {
            throw new BpfObjectFormatException("open BPF object " + name, Native.getLastError(), LibBpfLog.drain());
        }
        return new BpfObject(name, object, image);
    }

    /**
     * Before load: maps whose pin exists are reused (libbpf checks that type and sizes match);
     * the others are created and pinned there by {@link #load()}.
     */
    public void pinMapsAt(Map<String, String> pathsByMapName) throws BpfException {
        for (Map.Entry<String, String> e : pathsByMapName.entrySet()) {
            BpfException.check(LibBpf.bpf_map__set_pin_path(map(e.getKey()), e.getValue()),
                    "set pin path of map " + e.getKey());
        }
    }

    /**
     * Before load: how many entries a map holds, instead of its definition's max_entries. A map
     * reused from its pin must have the same capacity (libbpf refuses a mismatch).
     */
    public void setMaxEntries(String mapName, int maxEntries) throws BpfException {
        BpfException.check(LibBpf.bpf_map__set_max_entries(map(mapName), maxEntries), "set max_entries of map " + mapName);
    }

    /**
     * Before load: leaves a program out of the load, for a kernel that lacks its program or
     * attach type (one program the kernel refuses fails the whole object).
     */
    public void skipProgram(String programName) throws BpfException {
        Pointer program = LibBpf.bpf_object__find_program_by_name(live(), programName);
        if (program == null) {
            throw new BpfException("find program " + programName + " in " + name, Errno.ENOENT);
        }
        BpfException.check(LibBpf.bpf_program__set_autoload(program, false), "leave " + programName + " out of the load");
    }

    /** Creates or reuses the maps and loads every program not skipped through the verifier. */
    public void load() throws BpfException {
        LibBpfLog.drain();
        int result = LibBpf.bpf_object__load(live());
        if (result < 0) {
            throw new BpfVerifierException("load BPF object " + name, -result, LibBpfLog.drain());
        }
        image = null; // libbpf is done with the ELF image once loaded
    }

    /** A new fd for a loaded program, owned by the caller. */
    public BpfProgram program(String programName, AttachType attachType) throws BpfException {
        Pointer program = LibBpf.bpf_object__find_program_by_name(live(), programName);
        if (program == null) {
            throw new BpfException("find program " + programName + " in " + name, Errno.ENOENT);
        }
        int fd = BpfException.check(LibBpf.bpf_program__fd(program), "program " + programName);
        return new BpfProgram(programName, attachType, Fd.adopt(dup(fd), "duplicate fd of " + programName));
    }

    private Pointer map(String mapName) throws BpfException {
        Pointer map = LibBpf.bpf_object__find_map_by_name(live(), mapName);
        if (map == null) {
            throw new BpfException("find map " + mapName + " in " + name, Errno.ENOENT);
        }
        return map;
    }

    private static int dup(int fd) {
        int result = io.netfence.loader.internal.LibC.fcntl(fd, io.netfence.loader.internal.LibC.F_DUPFD_CLOEXEC, 3);
        return result < 0 ? -Native.getLastError() : result;
    }

    private Pointer live() {
        if (object == null) {
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
        return object;
    }

    @Override
    public void close() {
        if (object != null) {
            LibBpf.bpf_object__close(object);
            object = null;
            image = null;
        }
    }
}
