package io.netfence.agent.cli;

import io.netfence.agent.api.ApiClient;
import io.netfence.agent.api.ApiJson;
import io.netfence.agent.api.DenialRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Show denial events from the agent: the recent ones, or with --follow the live stream. At most one event "
                + "per cgroup and destination is sent per second; '(+N like it before)' counts the ones left out. "
                + "A user without root sees the events of their own runs.",
                "", "  2026-11-23T12:00:01Z deny web /system.slice/web.service curl[412] egress connect 198.18.0.2:443/tcp"})
public final class EventsCommand implements Callable<Integer> {
    @Option(names = {"-f", "--follow"}, description = "Keep printing events as they happen.")
    boolean follow;

    @Option(names = "--policy", paramLabel = "NAME", description = "Only events of this policy.")
    String policy;

    @Option(names = "--json", description = "One JSON object per line (the format of the agent's events_file).")
    boolean json;

    @Option(names = "--run-socket", paramLabel = "PATH", description = "Without root: the agent's run socket, "
            + "which shows your own runs' events (default as for run).")
    java.nio.file.Path runSocket;

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
        // root sees every event; anyone else, through the run socket, those of their own runs
        ApiClient client = Preflight.isRoot() ? api.client() : new ApiClient(AgentRun.socket(runSocket));
        client.stream(path.toString(), line -> {
            System.out.println(json ? line : text(line));
            System.out.flush();
        });
        return ExitCodes.OK;
    }

    private static String text(String line) {
        DenialRecord e;
        try {
            e = ApiJson.read(line, DenialRecord.class);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        StringBuilder out = new StringBuilder();
        out.append(e.time()).append(' ').append(e.action()).append(' ').append(e.policy()).append(' ').append(e.cgroup());
        if (e.pid() != null) {
            out.append(' ').append(e.comm()).append('[').append(e.pid()).append(']');
        }
        out.append(' ').append(e.direction()).append(' ').append(e.hook()).append(' ').append(e.destination());
        if (e.suppressedBefore() > 0) {
            out.append(" (+").append(e.suppressedBefore()).append(" like it before)");
        }
        return out.toString();
    }
}
