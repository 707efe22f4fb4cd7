package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody.Health;
import io.netfence.agent.api.ApiBody.ReloadReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether the agent runs and how its last reload went.")
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
}
