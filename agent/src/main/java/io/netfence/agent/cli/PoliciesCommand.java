package io.netfence.agent.cli;

import java.util.List;
import java.util.Map;
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
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        Map<String, Object> body = ApiOptions.body(api.client().get("/v1/policies"));
        List<Map<String, Object>> policies = (List<Map<String, Object>>) body.get("policies");
        if (policies.isEmpty()) {
            System.out.println("netfence: the agent has no policies");
        }
        for (Map<String, Object> p : policies) {
            List<String> cgroups = (List<String>) p.get("cgroups");
            System.out.printf("%s  target %s  %s  (%s)%n", p.get("name"), p.get("target"), p.get("mode"), p.get("source"));
            System.out.println("  egress:  " + String.join(", ", (List<String>) p.get("egress")));
            System.out.println("  ingress: " + String.join(", ", (List<String>) p.get("ingress")));
            System.out.println("  cgroups: " + (cgroups.isEmpty() ? "none yet" : String.join(", ", cgroups)));
        }
        Map<String, Object> conflicts = (Map<String, Object>) body.get("conflicts");
        conflicts.forEach((cgroup, reason) -> System.out.println("conflict: " + cgroup + ": " + reason));
        return ExitCodes.OK;
    }
}
