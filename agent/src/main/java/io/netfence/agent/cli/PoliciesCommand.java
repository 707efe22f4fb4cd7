package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody.PolicyList;
import io.netfence.agent.api.ApiBody.PolicyView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "policies", mixinStandardHelpOptions = true,
        description = "List the agent's policies, their targets and the cgroups each is in force on.")
public final class PoliciesCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        PolicyList list = ApiOptions.body(api.client().get("/v1/policies"), PolicyList.class);
        if (list.policies().isEmpty()) {
            System.out.println("netfence: the agent has no policies");
        }
        for (PolicyView p : list.policies()) {
            System.out.printf("%s  target %s  %s  (%s)%n", p.name(), p.target(), p.mode(), p.source());
            System.out.println("  egress:  " + String.join(", ", p.egress()));
            System.out.println("  ingress: " + String.join(", ", p.ingress()));
            System.out.println("  cgroups: " + (p.cgroups().isEmpty() ? "none yet" : String.join(", ", p.cgroups())));
        }
        list.conflicts().forEach((cgroup, reason) -> System.out.println("conflict: " + cgroup + ": " + reason));
        return ExitCodes.OK;
    }
}
