package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody.Flows;
import io.netfence.agent.api.ApiClient;
import io.netfence.agent.daemon.FlowViews;
import io.netfence.agent.learn.ObservedFlow;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "learn", mixinStandardHelpOptions = true,
        description = {"Learn what running services do, through the agent: a policy in learn mode (no rules, so it "
                + "changes nothing the targets may do) records every flow of the target's cgroups for DURATION, cgroups "
                + "that appear meanwhile included; then it is removed and the flows are written as a policy.",
                "", "Example:", "  netfence learn --target payments.service --for 10m --format yaml --out payments.yaml"})
public final class LearnCommand implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "UNIT|CGROUP|GLOB", description = "What to learn, as a policy's target.")
    String target;

    @Option(names = "--for", required = true, paramLabel = "DURATION", description = "How long: 500ms, 30s, 10m, 1h, 1d.")
    String duration;

    @Mixin
    LearnOptions output;

    @Mixin
    ApiOptions api;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        Duration window = DurationOption.parse("--for", duration);
        String name = "learn-" + ProcessHandle.current().pid();
        ApiClient agent = api.client();
        String yaml = "policies:\n  - name: " + name + "\n    target: \"" + target.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"\n    mode: learn\n";
        ApiOptions.body(agent.post("/v1/policies", "netfence learn", yaml), io.netfence.agent.api.ApiBody.Applied.class);
        Flows flows;
        try {
            System.err.println("netfence: learning " + target + " for " + duration + " ...");
            Thread.sleep(window.toMillis());
            flows = ApiOptions.body(agent.get("/v1/flows/" + ApiClient.segment(name)), Flows.class);
        } finally {
            agent.delete("/v1/policies/" + ApiClient.segment(name));
        }
        List<ObservedFlow> observed = flows.flows().stream().map(FlowViews::flow).toList();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> header = List.of("learned by: netfence learn --target " + target + " --for " + duration,
                "until " + now + ": " + observed.size() + " flows recorded (the kernel keeps at most " + flows.capacity()
                        + " for all learning policies together)");
        output.write(header, "learned-" + target.replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", ""), target, observed);
        if (output.out != null) {
            System.err.println("netfence: learned " + observed.size() + " flows; wrote " + output.out);
        }
        return ExitCodes.OK;
    }
}
