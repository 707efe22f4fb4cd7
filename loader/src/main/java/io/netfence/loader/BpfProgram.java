package io.netfence.loader;

import io.netfence.loader.internal.LibBpf;

/** A loaded program, kept alive by its fd (or by a pin). */
public final class BpfProgram implements AutoCloseable {
    private final String name;
    private final AttachType attachType;
    private final Fd fd;

    public BpfProgram(String name, AttachType attachType, Fd fd) {
        this.name = name;
        this.attachType = attachType;
        this.fd = fd;
    }

    public static BpfProgram openPinned(String name, AttachType attachType, String path) throws BpfException {
        return new BpfProgram(name, attachType, Fd.adopt(LibBpf.bpf_obj_get(path), "open pinned program " + path));
    }

    public String name() {
        return name;
    }

    public AttachType attachType() {
        return attachType;
    }

    public int fd() {
        return fd.get();
    }

    /**
     * Attaches to a cgroup with a bpf_link, which is multi-attach: programs of other tools on the
     * same cgroup keep running. The link lives as long as its fd or a pin of it.
     */
    public BpfLink attachCgroup(Fd cgroup, String cgroupDescription) throws BpfException {
        int result = LibBpf.bpf_link_create(fd.get(), cgroup.get(), attachType.kernelValue(), null);
        return new BpfLink(Fd.adopt(result, "attach " + name + " to cgroup " + cgroupDescription));
    }

    public void pin(String path) throws BpfException {
        BpfException.check(LibBpf.bpf_obj_pin(fd.get(), path), "pin program " + name + " at " + path);
    }

    @Override
    public void close() {
        fd.close();
    }
}
