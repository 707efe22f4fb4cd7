package io.netfence.agent.cli;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.datapath.KernelDatapath;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "detach", mixinStandardHelpOptions = true,
        description = "Remove netfence from a cgroup: its programs, pins and rules are gone and traffic is no longer policed.")
public final class DetachCommand implements Callable<Integer> {
    @Option(names = "--cgroup", required = true, paramLabel = "PATH", description = "The cgroup, relative to the cgroup2 mount.")
    String cgroupPath;

    @Mixin
    ApiOptions api;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        CgroupFs cgroups = Preflight.check();
        Cgroup cgroup = cgroups.open(cgroupPath);
        KernelDatapath datapath = KernelDatapath.open(cgroups);
        datapath.collectGarbage();
        if (AgentAttach.detach(api.client(), cgroup.path())) { // false without an agent, too
            System.out.println("netfence: detached from " + cgroup.path() + " (agent policy " + AgentAttach.policyName(cgroup.path())
                    + " removed)");
            return ExitCodes.OK;
        }
        if (!datapath.detach(cgroup.id())) {
            throw new UsageException("netfence is not attached to cgroup " + cgroup.path());
        }
        System.out.println("netfence: detached from " + cgroup.path());
        return ExitCodes.OK;
    }
}
