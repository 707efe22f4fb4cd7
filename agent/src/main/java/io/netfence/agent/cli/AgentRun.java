package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody.RunFinished;
import io.netfence.agent.api.ApiBody.RunStarted;
import io.netfence.agent.api.ApiClient;
import io.netfence.agent.api.ApiJson;
import io.netfence.agent.api.RunRequest;
import io.netfence.agent.config.AgentConfig;
import io.netfence.agent.config.PolicyFileException;
import io.netfence.agent.config.UnprivilegedRuns;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.RuleTexts;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code netfence run} through the agent: always for a user without root (the agent does what
 * needs root), and for root whenever an agent is up, so that a run never loads programs or writes
 * rulesets beside the agent. nf-sandbox starts stopped; the agent, asked over its run socket,
 * checks that it is this process's own child, puts it into a run cgroup of its own under the
 * policy asked for plus every policy the caller is under, and only then is it let go on, into its
 * namespaces and COMMAND.
 */
final class AgentRun {
    private static final int SIGKILL = 9;
    private static final int SIGCONT = 18;
    private static final long STOP_WAIT_MILLIS = 5000;

    private AgentRun() {}

    /** The agent's run socket: the option, else the config's unprivileged_run.socket, else the default. */
    static Path socket(Path option) {
        if (option != null) {
            return option;
        }
        try {
            return AgentConfig.load(AgentConfig.DEFAULT_FILE).runs().socket();
        } catch (PolicyFileException | IOException e) {
            return UnprivilegedRuns.DEFAULTS.socket(); // an unreadable config is the agent's business, not this user's
        }
    }

    /** Whether an agent answers on the run socket (a socket file left by a dead agent does not). */
    static boolean answers(Path runSocket) {
        if (!Files.exists(runSocket)) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(runSocket))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    static int run(Path runSocket, Policy policy, SandboxLauncher.Options options, String executable, List<String> command,
                   java.util.function.Consumer<Process> forwardSignals) throws Exception {
        if (!Files.exists(runSocket)) {
            throw new UsageException("run without root needs the netfence agent, and there is none at " + runSocket
                    + ": ask an administrator to start it (systemctl enable --now netfence) and to let you run "
                    + "(unprivileged_run in /etc/netfence/netfence.yaml)");
        }
        List<String> argv = SandboxLauncher.argvForAgent(options, executable, command);
        Process child = new ProcessBuilder(argv).inheritIO().start();
        if (!stopped(child.pid())) {
            child.destroyForcibly();
            throw new IllegalStateException("the sandbox did not stop to wait for the agent");
        }
        ApiClient agent = new ApiClient(runSocket);
        RunRequest request = request(child.pid(), policy);
        ApiClient.Reply reply;
        try {
            reply = agent.post("/v1/runs", "run", ApiJson.write(request));
        } catch (IOException e) {
            PosixSignals.kill((int) child.pid(), SIGKILL);
            child.waitFor();
            throw new UsageException("the netfence agent did not answer (" + e.getMessage() + "); " + command.get(0) + " did not run");
        }
        if (reply.status() != 200) {
            PosixSignals.kill((int) child.pid(), SIGKILL);
            child.waitFor();
        }
        RunStarted started = ApiOptions.body(reply, RunStarted.class); // an error answer says why, exit 2
        PosixSignals.kill((int) child.pid(), SIGCONT);
        forwardSignals.accept(child);
        int exitCode = child.waitFor();
        ApiClient.Reply finished = agent.delete("/v1/runs/" + started.id());
        if (finished.status() == 200) {
            RunFinished summary = ApiJson.read(finished.body(), RunFinished.class);
            RunCommand.report(summary.denials(), summary.recent(), summary.audit());
        }
        return exitCode;
    }

    /** What the agent is asked: confine the stopped process {@code pid} with the policy's rules, as lines. */
    static RunRequest request(long pid, Policy policy) {
        return new RunRequest(pid, RuleTexts.egress(policy), RuleTexts.ingress(policy), policy.audit(), null);
    }

    /** Waits for the process to stop itself (state T in /proc), as nf-sandbox --agent does first. */
    private static boolean stopped(long pid) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            if (state == 'T') {
                return true;
            }
            if (state == 'Z' || state == 'X') {
                return false;
            }
            Thread.sleep(1);
        }
        return false;
    }
}
