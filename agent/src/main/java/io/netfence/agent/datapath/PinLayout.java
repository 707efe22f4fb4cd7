package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.Abi;
import java.nio.file.Path;

/**
 * Where netfence pins its state on bpffs: {@code <bpffs>/netfence/v<ABI>/} holds {@code maps/},
 * {@code progs/} and {@code cgroups/<cgroup id>/<program>} (one link pin per hook). The ABI
 * version in the path keeps builds with different map layouts apart.
 */
public record PinLayout(Path root) {

    public static PinLayout under(Path bpffs) {
        return new PinLayout(bpffs.resolve("netfence").resolve("v" + Abi.VERSION));
    }

    public Path maps() {
        return root.resolve("maps");
    }

    public Path map(String name) {
        return maps().resolve(name);
    }

    public Path programs() {
        return root.resolve("progs");
    }

    public Path program(Hook hook) {
        return programs().resolve(hook.programName());
    }

    public Path cgroups() {
        return root.resolve("cgroups");
    }

    public Path cgroup(long id) {
        return cgroups().resolve(Long.toString(id));
    }

    public Path link(long cgroupId, Hook hook) {
        return cgroup(cgroupId).resolve(hook.programName());
    }
}
