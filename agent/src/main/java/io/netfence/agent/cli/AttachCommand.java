package io.netfence.agent.cli;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.datapath.AttachmentRecord;
import io.netfence.agent.datapath.KernelDatapath;
import io.netfence.agent.datapath.PacketSocketPolicing;
import io.netfence.agent.policy.Policy;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "attach",
        mixinStandardHelpOptions = true,
        description = {"Confine an existing cgroup until 'netfence detach'. Processes already in it are confined "
                + "at once (sockets they opened before joining the cgroup excepted), and the policy stays in force "
                + "after this command exits. Attaching again replaces the policy atomically.",
                "", "Example:",
                "  netfence attach --cgroup /system.slice/payments.service --deny any --allow 198.18.0.0/15:443/tcp"})
public final class AttachCommand implements Callable<Integer> {
    @Option(names = "--cgroup", required = true, paramLabel = "PATH",
            description = "The cgroup, relative to the cgroup2 mount (e.g. /system.slice/x.service).")
    String cgroupPath;

    @Mixin
    RuleOptions rules;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        Policy policy = rules.toPolicy("attach", false);
        if (policy.hasNames()) {
            throw new UsageException("name rules need a DNS proxy that outlives the command, and attach leaves none: "
                    + "give the cgroup an agent policy (netfence apply, or a file in /etc/netfence/policies.d), or use "
                    + "addresses or prefixes here");
        }
        CgroupFs cgroups = Preflight.check();
        Cgroup cgroup = cgroups.open(cgroupPath);
        if (cgroup.path().equals("/")) {
            throw new UsageException("refusing to attach to the root cgroup: it would confine every process on this host");
        }
        long start = System.nanoTime();
        KernelDatapath datapath = KernelDatapath.open(cgroups);
        datapath.collectGarbage();
        datapath.attach(cgroup, policy.renamed(cgroup.path()),
                AttachmentRecord.Kind.ATTACH, 0);
        long millis = (System.nanoTime() - start) / 1_000_000;
        PacketSocketPolicing packetSockets = datapath.packetSocketPolicing();
        if (!policy.allowsPacketSockets() && !packetSockets.enforced()) {
            System.err.println("netfence: warning: packet and XDP sockets are " + packetSockets.describe() + "; a process with "
                    + "CAP_NET_RAW in " + cgroup.path() + " can send around this policy");
        }
        System.out.printf("netfence: %s %s (%d egress, %d ingress rules) in %d ms%n", policy.audit() ? "auditing" : "confined",
                cgroup.path(), policy.egress().size(), policy.ingress().size(), millis);
        return ExitCodes.OK;
    }
}
