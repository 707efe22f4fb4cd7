package io.netfence.agent.cli;

import io.netfence.agent.datapath.Attachment;
import io.netfence.agent.datapath.AttachmentRecord;
import io.netfence.agent.datapath.KernelDatapath;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Show the cgroups netfence confines, their rules and how often they denied.")
public final class ListCommand implements Callable<Integer> {
    private static final int RULES_SHOWN = 4;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        List<Attachment> attachments = KernelDatapath.open(Preflight.check()).list();
        if (attachments.isEmpty()) {
            System.out.println("netfence: no cgroup is confined");
            return ExitCodes.OK;
        }
        String format = "%-40s %10s %-8s %8s  %s%n";
        System.out.printf(format, "CGROUP", "ID", "MODE", "DENIED", "RULES");
        for (Attachment a : attachments) {
            AttachmentRecord r = a.record();
            String rules = "egress: " + summarize(r.egressRules(), r.egressRuleCount())
                    + "; ingress: " + summarize(r.ingressRules(), r.ingressRuleCount());
            String denied = a.counters().map(c -> Long.toString(c.denials())).orElse("-");
            String mode = r.audit() ? "audit" : "enforce";
            String cgroup = r.cgroupPath() + switch (r.kind()) {
                case RUN -> " (run " + r.ownerPid() + ")";
                case AGENT -> " (agent: " + String.join(", ", r.policyNames()) + ")";
                case ATTACH -> "";
            };
            System.out.printf(format, cgroup, r.cgroupId(), mode, denied, rules);
        }
        return ExitCodes.OK;
    }

    private static String summarize(List<String> firstRules, int count) {
        if (count == 0) {
            return "-";
        }
        String shown = firstRules.stream().limit(RULES_SHOWN).collect(Collectors.joining(", "));
        return count > RULES_SHOWN ? shown + ", ... (" + count + " rules)" : shown;
    }
}
