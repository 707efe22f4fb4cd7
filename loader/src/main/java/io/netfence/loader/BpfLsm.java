package io.netfence.loader;

import io.netfence.loader.internal.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether per-cgroup BPF LSM programs ({@code lsm_cgroup}) run on this kernel. They need Linux
 * 6.0, the kernel's BTF, and "bpf" among the active LSMs: where it is not, such a program loads
 * and attaches without error and then never runs, so the LSM list is read, never assumed from the
 * kernel version (Debian's 5.10 does not enable it, 6.1 and later do).
 */
public final class BpfLsm {
    static final Path SECURITYFS = Path.of("/sys/kernel/security");
    private static final Path ACTIVE_LSMS = SECURITYFS.resolve("lsm");
    private static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");
    private static final Path RELEASE = Path.of("/proc/sys/kernel/osrelease");

    /** @param reason why not, when not available; what holds, when it is */
    public record Support(boolean available, String reason) {}

    private BpfLsm() {}

    /** Reads the facts, mounting securityfs at its usual place first if nothing has. */
    public static Support cgroupPrograms() {
        try {
            String release = Files.readString(RELEASE).strip();
            if (!atLeast(release, 6, 0)) {
                return new Support(false, "Linux " + release + " has no lsm_cgroup programs (6.0 and later do)");
            }
            if (!Files.exists(VMLINUX_BTF)) {
                return new Support(false, "the kernel has no BTF (" + VMLINUX_BTF + ")");
            }
            String lsms = activeLsms();
            if (!Arrays.asList(lsms.split(",")).contains("bpf")) {
                return new Support(false, "bpf is not an active LSM (active: " + lsms + "; boot with lsm=" + lsms + ",bpf)");
            }
            return new Support(true, "BPF LSM (lsm_cgroup/socket_create)");
        } catch (IOException e) {
            return new Support(false, "cannot tell whether bpf is an active LSM: " + e.getMessage());
        }
    }

    private static String activeLsms() throws IOException {
        if (!Files.exists(ACTIVE_LSMS) && MountInfo.ofType("securityfs").isEmpty()) {
            if (LibC.mount("securityfs", SECURITYFS.toString(), "securityfs", 0, null) != 0) {
                throw new BpfException("mount securityfs at " + SECURITYFS, com.sun.jna.Native.getLastError());
            }
        }
        return Files.readString(ACTIVE_LSMS).strip();
    }

    static boolean atLeast(String release, int major, int minor) {
        String[] parts = release.split("[.-]", 3);
        try {
            int kernelMajor = Integer.parseInt(parts[0]);
            int kernelMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return kernelMajor > major || (kernelMajor == major && kernelMinor >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
