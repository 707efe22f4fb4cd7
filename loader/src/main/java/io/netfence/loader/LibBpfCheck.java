package io.netfence.loader;

import io.netfence.loader.internal.LibBpf;
import java.util.Optional;

/** Whether this host's libbpf can be loaded, asked before anything is changed. */
public final class LibBpfCheck {
    public static final String SONAME = LibBpf.SONAME;

    private LibBpfCheck() {}

    /** Why libbpf cannot be loaded, on one line; empty when it can. */
    public static Optional<String> problem() {
        try {
            LibBpf.ensureLoaded();
            return Optional.empty();
        } catch (UnsatisfiedLinkError e) {
            return Optional.of(String.join("; ", String.valueOf(e.getMessage()).strip().split("\\s*\n\\s*")));
        }
    }
}
