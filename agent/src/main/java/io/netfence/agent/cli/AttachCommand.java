package io.netfence.agent.cli;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.datapath.AttachmentRecord;
import io.netfence.agent.datapath.KernelDatapath;
import io.netfence.agent.datapath.PacketSocketPolicing;
import io.netfence.agent.policy.Policy;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
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
    ApiOptions api;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        Policy policy = rules.toPolicy("attach", false);
        CgroupFs cgroups = Preflight.check();
        Cgroup cgroup = cgroups.open(cgroupPath);
        if (cgroup.path().equals("/")) {
            throw new UsageException("refusing to attach to the root cgroup: it would confine every process on this host");
        }
        long start = System.nanoTime();
        KernelDatapath datapath = KernelDatapath.open(cgroups);
        datapath.collectGarbage();
        if (policy.hasNames()) {
            return attachThroughAgent(datapath, cgroup, policy, start);
        }
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

    private int attachThroughAgent(KernelDatapath datapath, Cgroup cgroup, Policy policy, long start) throws IOException {
        Optional<AttachmentRecord> present = datapath.attachment(cgroup.id());
        if (present.isPresent() && present.get().kind() != AttachmentRecord.Kind.AGENT) {
            throw new UsageException(cgroup.path() + " is confined by 'netfence " + present.get().kind().name().toLowerCase(Locale.ROOT)
                    + "', which the agent leaves alone: detach it first to give it name rules");
        }
        if (!AgentRun.answers(api.socket())) {
            throw new UsageException("name rules are learned by the agent's DNS proxy, and no agent answers at " + api.socket()
                    + ": start it (systemctl enable --now netfence), or use addresses or prefixes here");
        }
        AgentAttach.attach(api.client(), cgroup.path(), policy);
        System.out.printf("netfence: %s %s through the agent (policy %s; netfence detach removes it) in %d ms%n",
                policy.audit() ? "auditing" : "confined", cgroup.path(), AgentAttach.policyName(cgroup.path()),
                (System.nanoTime() - start) / 1_000_000);
        return ExitCodes.OK;
    }
}
