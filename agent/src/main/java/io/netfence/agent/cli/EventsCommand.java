package io.netfence.agent.cli;

import io.netfence.agent.api.ApiClient;
import java.util.Map;
import java.util.concurrent.Callable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Show denial events from the agent: the recent ones, or with --follow the live stream. At most one event "
                + "per cgroup and destination is sent per second; '(+N like it before)' counts the ones left out.",
                "", "  2026-11-23T12:00:01Z deny web /system.slice/web.service curl[412] egress connect 198.18.0.2:443/tcp"})
public final class EventsCommand implements Callable<Integer> {
    @Option(names = {"-f", "--follow"}, description = "Keep printing events as they happen.")
    boolean follow;

    @Option(names = "--policy", paramLabel = "NAME", description = "Only events of this policy.")
    String policy;

    @Option(names = "--json", description = "One JSON object per line (the format of the agent's events_file).")
    boolean json;

    @Mixin
    ApiOptions api;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        StringBuilder path = new StringBuilder("/v1/events?");
        if (follow) {
            path.append("follow=1&");
        }
        if (policy != null) {
            path.append("policy=").append(ApiClient.segment(policy));
        }
        Load load = new Load(LoadSettings.builder().build());
        api.client().stream(path.toString(), line -> {
            System.out.println(json ? line : text(load.loadFromString(line)));
            System.out.flush();
        });
        return ExitCodes.OK;
    }

    @SuppressWarnings("unchecked")
    private static String text(Object parsed) {
        Map<String, Object> e = (Map<String, Object>) parsed;
        StringBuilder out = new StringBuilder();
        out.append(e.get("time")).append(' ').append(e.get("action")).append(' ').append(e.get("policy")).append(' ').append(e.get("cgroup"));
        if (e.get("pid") != null) {
            out.append(' ').append(e.get("comm")).append('[').append(e.get("pid")).append(']');
        }
        out.append(' ').append(e.get("direction")).append(' ').append(e.get("hook")).append(' ').append(e.get("destination"));
        Object suppressed = e.get("suppressed_before");
        if (suppressed instanceof Number n && n.longValue() > 0) {
            out.append(" (+").append(n).append(" like it before)");
        }
        return out.toString();
    }
}
