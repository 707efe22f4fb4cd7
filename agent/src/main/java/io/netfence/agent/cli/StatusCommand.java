package io.netfence.agent.cli;

import java.util.List;
import java.util.Map;
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
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        Map<String, Object> health = ApiOptions.body(api.client().get("/v1/health"));
        System.out.println("netfence agent: running (pid " + health.get("pid") + ", since " + health.get("started") + ")");
        Map<String, Object> reload = (Map<String, Object>) health.get("last_reload");
        if (reload != null) {
            boolean ok = Boolean.TRUE.equals(reload.get("ok"));
            System.out.println("last reload: " + (ok ? "ok" : "rejected, the policies in force stayed in force") + " at " + reload.get("at"));
            for (Object error : (List<Object>) reload.getOrDefault("errors", List.of())) {
                System.out.println("  " + error);
            }
            return ok ? ExitCodes.OK : ExitCodes.INTERNAL;
        }
        return ExitCodes.OK;
    }
}
