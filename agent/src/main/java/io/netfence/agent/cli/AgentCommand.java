package io.netfence.agent.cli;

import io.netfence.agent.api.ApiServer;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.config.AgentConfig;
import io.netfence.agent.config.PolicyFileException;
import io.netfence.agent.daemon.Agent;
import io.netfence.agent.daemon.Log;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the netfence agent: enforce the policy files on the cgroups they target, follow cgroups as "
                + "they appear, reload on file changes and SIGHUP, and serve the control API. Stopping the agent, or its "
                + "crash, leaves every policy in force; a new agent adopts them."})
public final class AgentCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The agent's config (default: ${DEFAULT-VALUE}).")
    Path config = AgentConfig.DEFAULT_FILE;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        CgroupFs cgroups = Preflight.checkAgent();
        AgentConfig settings;
        try {
            settings = AgentConfig.load(config);
        } catch (PolicyFileException e) {
            throw new UsageException(e.getMessage());
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (Agent agent = startAgent(settings, cgroups); ApiServer api = ApiServer.start(settings.socket(), agent.routes());
             ApiServer runs = ApiServer.startForRuns(settings.runs().socket(), agent.runRoutes(new AgentRunArguments()))) {
            SignalHandlers.on("HUP", () -> {
                Log.info("SIGHUP: reloading policies.");
                agent.reload();
            });
            StopDeadline deadline = StopDeadline.halting();
            Runnable stopping = () -> {
                deadline.arm(); // armed here, not on the main thread, so nothing the main thread waits for can hold it off
                stop.countDown();
            };
            SignalHandlers.on("TERM", stopping);
            SignalHandlers.on("INT", stopping);
            Log.info("netfence agent running (pid " + ProcessHandle.current().pid() + "), policies in " + settings.policiesDir()
                    + " and " + settings.apiPoliciesDir() + ", API on " + settings.socket());
            stop.await();
            Log.info("Stopping; every policy stays in force.");
        }
        return ExitCodes.OK;
    }

    private static Agent startAgent(AgentConfig settings, CgroupFs cgroups) throws Exception {
        try {
            return Agent.start(settings, cgroups);
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
