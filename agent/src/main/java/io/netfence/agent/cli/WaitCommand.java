package io.netfence.agent.cli;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.datapath.KernelDatapath;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "wait", mixinStandardHelpOptions = true,
        description = {"Wait until netfence enforces a policy on the cgroup this command runs in (or --cgroup), then exit 0; "
                + "exit 1 after the timeout. As a systemd unit's ExecStartPre it leaves no window: the service's own "
                + "processes start only once their cgroup is confined, and a unit the agent does not confine fails to start.",
                "", "  # /etc/systemd/system/payments.service.d/netfence.conf",
                "  [Service]",
                "  ExecStartPre=/usr/bin/netfence wait --timeout 30"})
public final class WaitCommand implements Callable<Integer> {
    private static final long POLL_MILLIS = 5;

    @Option(names = "--cgroup", paramLabel = "PATH", description = "The cgroup to wait for (default: the one this command runs in).")
    String cgroupPath;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds = 30;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        CgroupFs cgroups = Preflight.check();
        String path = cgroupPath != null ? cgroupPath : cgroups.cgroupOf(ProcessHandle.current().pid());
        Cgroup cgroup = cgroups.open(path);
        KernelDatapath datapath = KernelDatapath.open(cgroups);
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (true) {
            if (datapath.enforced(cgroup.id())) {
                return ExitCodes.OK;
            }
            if (System.nanoTime() > deadline) {
                String why = datapath.notEnforcedBecause(cgroup.id()).orElse("it was enforced just now");
                System.err.println("netfence: cgroup " + cgroup.path() + " (id " + cgroup.id() + ") is not enforced after "
                        + timeoutSeconds + " s: " + why);
                return ExitCodes.INTERNAL;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
