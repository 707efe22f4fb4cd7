package io.netfence.loader;

import io.netfence.loader.internal.LibBpf;

/** A program attached to a cgroup. Closing the last fd of an unpinned link detaches it. */
public final class BpfLink implements AutoCloseable {
    private final Fd fd;

    BpfLink(Fd fd) {
        this.fd = fd;
    }

    public static BpfLink openPinned(String path) throws BpfException {
        return new BpfLink(Fd.adopt(LibBpf.bpf_obj_get(path), "open pinned link " + path));
    }

    public void pin(String path) throws BpfException {
        BpfException.check(LibBpf.bpf_obj_pin(fd.get(), path), "pin link at " + path);
    }

    /** Detaches now, whoever else holds the link or pins it; the link object stays, defunct. */
    public void detach() throws BpfException {
        int result = LibBpf.bpf_link_detach(fd.get());
        if (result < 0 && result != -Errno.ENOLINK) {
            BpfException.check(result, "detach link");
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
