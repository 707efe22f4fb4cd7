package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody.FlowHistoryView;
import io.netfence.agent.api.ApiBody.Health;
import io.netfence.agent.api.ApiBody.ReloadReport;
import io.netfence.agent.config.DurationText;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether the agent runs, how its last reload went, and what its flow history holds.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        Health health = ApiOptions.body(api.client().get("/v1/health"), Health.class);
        System.out.println("netfence agent: running (pid " + health.pid() + ", since " + health.started() + ")");
        if (health.packetSockets() != null) {
            System.out.println("packet sockets: " + health.packetSockets());
        }
        if (health.flowHistory() != null) {
            System.out.println("flow history: " + describe(health.flowHistory()));
        }
        ReloadReport reload = health.lastReload();
        if (reload == null) {
            return ExitCodes.OK;
        }
        System.out.println("last reload: " + (reload.ok() ? "ok" : "rejected, the policies in force stayed in force") + " at " + reload.at());
        for (String error : reload.errors()) {
            System.out.println("  " + error);
        }
        return reload.ok() ? ExitCodes.OK : ExitCodes.INTERNAL;
    }

    /** One line: on or off, what is recorded, what the flow map holds and costs. */
    static String describe(FlowHistoryView h) {
        String map = "the flow map holds " + h.capacity() + " flows in " + mebibytes(h.memoryBytes()) + " of kernel memory"
                + (h.capacity() != h.maxFlows() ? " (max_flows asks for " + h.maxFlows() + "; a pinned map keeps its capacity until "
                        + "netfence's maps are created again)" : "");
        if (!h.enabled()) {
            return "off (" + FlowHistoryHint.TEXT + "); " + map;
        }
        String recorded = h.records() == null ? "not swept yet" : h.records() + " flows at the last sweep ("
                + h.sweptAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "), " + h.expired() + " expired";
        return "on, max age " + DurationText.format(Duration.ofSeconds(h.maxAgeSeconds())) + "; " + recorded + "; " + map;
    }

    private static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
