package io.netfence.agent.cli;

import io.netfence.agent.api.RunSummary;
import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.daemon.RunArguments;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.datapath.AttachmentRecord;
import io.netfence.agent.datapath.CgroupCounters;
import io.netfence.agent.datapath.FlowRecords;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.learn.ObservedFlow;
import io.netfence.agent.datapath.KernelDatapath;
import io.netfence.agent.names.AddressNames;
import io.netfence.agent.names.DnsLimits;
import io.netfence.agent.policy.Policy;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {"Run COMMAND confined by the rules: a transient cgroup is created and the policy is in "
                + "force before COMMAND starts. stdin/stdout/stderr and signals pass through, the exit code is "
                + "COMMAND's, and afterwards the cgroup and its programs are gone (processes COMMAND left behind "
                + "are killed). A summary of what was denied is printed on stderr.",
                "",
                "When the netfence agent is running, the run goes through it (its run socket): COMMAND's cgroup is then "
                + "in the agent's run subtree, under the rules given plus every netfence policy the caller is under. "
                + "Without the agent, root's run attaches by itself; a user without root needs the agent. Runs with name "
                + "rules, --learn, --cgroup-parent or over 1000 rules are always made by root's run itself.",
                "",
                "COMMAND is sandboxed, even when netfence runs as root: it runs as the sudo caller, --user, or root "
                + "inside a user namespace (the host's nobody); it cannot leave its cgroup (cgroupfs is read-only), "
                + "see or signal processes outside (PID namespace), touch netfence's pins (no bpffs), or gain any "
                + "capability (no packet or raw sockets, no network devices, no setns, no BPF).",
                "", "Examples:",
                "  netfence run --no-network -- curl https://example.com",
                "  netfence run --deny any --allow 198.18.0.0/15:443/tcp -- ./client",
                "  sudo netfence run --deny any --allow 198.18.0.0/15:443/tcp -- ./client     (runs as you)"})
public final class RunCommand implements Callable<Integer> {
    /** Larger rule sets are applied by root's run itself: a run request is meant to be small. */
    private static final int AGENT_RUN_MAX_RULES = 1000;
    private static final List<String> FORWARDED_SIGNALS = List.of("TERM", "HUP", "USR1", "USR2");

    @Mixin
    RuleOptions rules;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--learn", description = "Record every flow COMMAND has (blocking nothing; the rules given are "
            + "audited) and write a policy that allows exactly them: run it with --rules-file for the same work with "
            + "zero denials. See --out, --format, --aggregate.")
    boolean learn;

    @Mixin
    LearnOptions learnOptions;

    @Option(names = "--cgroup-parent", paramLabel = "PATH",
            description = "Create the transient cgroup under PATH (relative to the cgroup2 mount); "
                    + "default: the cgroup netfence itself runs in, so an outer policy still applies.")
    String cgroupParent;

    @Option(names = "--user", paramLabel = "USER|UID",
            description = "Run COMMAND as USER. Default: the user who invoked sudo (SUDO_UID), else root inside a user "
                    + "namespace in which root is the host's nobody. Never host root (see --keep-privileges).")
    String user;

    @Option(names = "--keep-privileges",
            description = "Run COMMAND as host root with all its capabilities, only placed in the cgroup. This is NOT a "
                    + "sandbox: COMMAND can leave the cgroup, open packet sockets or detach netfence's programs.")
    boolean keepPrivileges;

    @Option(names = "--run-socket", paramLabel = "PATH", description = "The agent's run socket (default: "
            + "unprivileged_run.socket in /etc/netfence/netfence.yaml, else /run/netfence/run.sock). Without root a run "
            + "needs the agent; root's run goes through it whenever one answers there.")
    Path runSocketOption;

    @Option(names = "--dns-grace", paramLabel = "SECONDS",
            description = "With name rules: how long an address learned from a DNS answer outlives the answer's TTL "
                    + "for new connections (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int dnsGraceSeconds;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        long self = ProcessHandle.current().pid();
        boolean privateNetwork = rules.wantsPrivateNetwork() && !keepPrivileges;
        Policy policy = learn ? LearnOptions.policy(rules, "run-" + self) : rules.toPolicy("run-" + self, privateNetwork);
        if (!learn && learnOptionsGiven()) {
            throw new UsageException("--out, --format and --aggregate go with --learn");
        }
        String executable = resolve(command.get(0));
        if (executable == null) {
            System.err.println("netfence: " + command.get(0) + ": command not found");
            return ExitCodes.NOT_FOUND;
        }
        SandboxLauncher.Options sandbox = new SandboxLauncher.Options(user, privateNetwork, keepPrivileges);
        Path runSocket = AgentRun.socket(runSocketOption);
        if (!Preflight.isRoot()) {
            if (user != null || keepPrivileges || cgroupParent != null || learn) {
                throw rootsOptions();
            }
            return AgentRun.run(runSocket, policy, sandbox, executable, command, RunCommand::forwardSignals);
        }
        if (throughAgent(policy) && AgentRun.answers(runSocket)) {
            return AgentRun.run(runSocket, policy, sandbox, executable, command, RunCommand::forwardSignals);
        }
        CgroupFs cgroups = Preflight.check();
        String parent = cgroupParent != null ? cgroupParent : cgroups.cgroupOf(self);
        cgroups.open(parent); // a clear error for a missing parent
        KernelDatapath datapath = KernelDatapath.open(cgroups);
        datapath.collectGarbage();
        Cgroup cgroup = cgroups.create((parent.endsWith("/") ? parent : parent + "/") + "netfence-run-" + self);
        int exitCode;
        int scope = CgroupPolicy.scopeOf(cgroup.id());
        List<FlowRecords.Recorded> learned = List.of();
        try (NameService names = NameService.bindIf(policy, DnsLimits.DEFAULT.withGrace(Duration.ofSeconds(dnsGraceSeconds)))) {
            try {
                AppliedPolicy applied = datapath.attach(cgroup, policy, AttachmentRecord.Kind.RUN, self, names.port());
                names.serve(datapath, cgroup, policy, applied);
                exitCode = runInside(cgroup, executable, privateNetwork);
                report(datapath.counters().of(cgroup.id()), policy.audit(), scope, names.names());
                names.report();
                if (learn) {
                    learned = datapath.flows().read(k -> k.scope() == scope); // before detaching, which may unpin the map
                }
            } finally {
                datapath.detachAndRemove(cgroup);
                if (learn) {
                    datapath.flows().forget(k -> k.scope() == scope);
                }
            }
        }
        if (learn) {
            writeLearned(learned);
        }
        return exitCode;
    }

    /**
     * The run as the agent makes it for nf-sandbox's client, which sent these options as typed;
     * empty for a run this CLI makes itself (the client then starts it with the same arguments).
     * A rules file is always read here, as the caller: never by the agent.
     *
     * @throws UsageException naming the option and what is wrong with it
     */
    Optional<RunArguments.Plan> planForAgent(boolean root) {
        if (learn || cgroupParent != null || rules.rulesFile != null || learnOptionsGiven()) {
            return Optional.empty();
        }
        if (!root && (user != null || keepPrivileges)) {
            throw rootsOptions();
        }
        boolean privateNetwork = rules.wantsPrivateNetwork() && !keepPrivileges;
        Policy policy = rules.toPolicy("run", privateNetwork);
        if (root && !throughAgent(policy)) {
            return Optional.empty();
        }
        return Optional.of(new RunArguments.Plan(policy, SandboxLauncher.launchOptions(new SandboxLauncher.Options(user, privateNetwork, keepPrivileges))));
    }

    private boolean learnOptionsGiven() {
        return learnOptions.out != null || learnOptions.aggregate || learnOptions.format != LearnOptions.Format.RULES;
    }

    private static UsageException rootsOptions() {
        return new UsageException("--user, --keep-privileges, --cgroup-parent and --learn need root");
    }

    /**
     * Whether root's run goes through a running agent (which then owns every program and ruleset),
     * rather than attaching by itself: all runs but those needing what only this process does
     * (the DNS proxy of name rules, reading learned flows) or a cgroup placement of their own.
     */
    private boolean throughAgent(Policy policy) {
        return !learn && !policy.hasNames() && cgroupParent == null
                && policy.egress().size() + policy.ingress().size() <= AGENT_RUN_MAX_RULES;
    }

    private void writeLearned(List<FlowRecords.Recorded> learned) throws IOException {
        Instant nowWall = Instant.now();
        long nowNanos = System.nanoTime(); // CLOCK_MONOTONIC, the clock of the kernel's records
        List<ObservedFlow> flows = learned.stream().map(r -> ObservedFlow.of(r.key(), r.value(), nowWall, nowNanos)).toList();
        String name = Path.of(command.get(0)).getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9._-]", "-");
        List<String> header = List.of("learned by: netfence run --learn -- " + String.join(" ", command),
                "on " + nowWall.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ": " + flows.size() + " flows recorded");
        learnOptions.write(header, "learned-" + name, name + ".service", flows);
        if (learnOptions.out != null) {
            System.err.println("netfence: learned " + flows.size() + " flows; wrote " + learnOptions.out);
        }
    }

    private int runInside(Cgroup cgroup, String executable, boolean privateNetwork) throws Exception {
        // the launcher joins the cgroup before anything else, then becomes COMMAND: every socket
        // COMMAND creates is the cgroup's, and no process of COMMAND ever runs outside it
        SandboxLauncher.Options options = new SandboxLauncher.Options(user, privateNetwork, keepPrivileges);
        List<String> argv = SandboxLauncher.argv(cgroup.directory().resolve("cgroup.procs"), options, executable, command);
        Process child = new ProcessBuilder(argv).inheritIO().start();
        forwardSignals(child);
        return child.waitFor();
    }

    /**
     * Signals sent to netfence go to COMMAND. SIGINT from a terminal already reaches COMMAND (same
     * foreground process group), so it is forwarded only when netfence has no terminal.
     */
    private static void forwardSignals(Process child) {
        List<String> names = new ArrayList<>(FORWARDED_SIGNALS);
        if (System.console() == null) {
            names.add("INT");
        } else {
            SignalHandlers.on("INT", () -> { });
        }
        for (String name : names) {
            SignalHandlers.forward(name, child.pid());
        }
    }

    /** The summary of denials, with the name behind each address the command looked up. */
    private static void report(Optional<CgroupCounters> counters, boolean audit, int scope, AddressNames names) {
        counters.ifPresent(c -> report(c.denials(),
                c.recent().stream().map(f -> f.summary(f.address().flatMap(a -> names.nameOf(scope, a)))).toList(), audit));
    }

    /** One line on stderr after the command, when anything was denied. */
    static void report(long denials, List<String> recent, boolean audit) {
        String line = RunSummary.line(denials, recent, audit);
        if (!line.isEmpty()) {
            System.err.println(line);
        }
    }

    /** The executable PATH lookup would run, or null; a name with '/' is taken as a path. */
    static String resolve(String name) {
        if (name.contains("/")) {
            return Files.exists(Path.of(name)) ? name : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
