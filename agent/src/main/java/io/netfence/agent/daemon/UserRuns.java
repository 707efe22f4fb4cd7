package io.netfence.agent.daemon;

import io.netfence.agent.api.ApiBody.RunFinished;
import io.netfence.agent.api.ApiBody.RunStarted;
import io.netfence.agent.api.ApiResponse;
import io.netfence.agent.api.DenialRecord;
import io.netfence.agent.api.EventSource;
import io.netfence.agent.api.Peer;
import io.netfence.agent.api.RunRequest;
import io.netfence.agent.api.RunRoutes;
import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupException;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.config.UnprivilegedRuns;
import io.netfence.agent.datapath.AttachmentRecord;
import io.netfence.agent.datapath.CgroupCounters;
import io.netfence.agent.datapath.DeniedFlow;
import io.netfence.agent.datapath.KernelDatapath;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.datapath.abi.PolicySlot;
import io.netfence.agent.datapath.AppliedPolicy;
import io.netfence.agent.names.NamePolicy;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs through the agent, of users without root (access and limits from unprivileged_run) and of
 * root while the agent is up (unlimited): each lives in a cgroup of its own in the netfence-owned subtree
 * ({@code <cgroup>/uid-UID/run-PID}, root-owned, so the user can neither leave nor widen it), under
 * the requested rules plus every netfence policy in force on the caller's own cgroup and its
 * ancestors, taken by their rulesets: a run only narrows. The process to confine is the caller's
 * own stopped child; the agent moves it in, the caller lets it go on.
 */
final class UserRuns implements RunRoutes {
    /** The answer to options sent as typed that ask for a run the CLI makes itself: nf-sandbox's client then starts it. */
    private static final int CLI_MAKES_IT = 422;

    /** Runs a kernel-changing step on the agent's thread. */
    interface AgentThread {
        <T> T call(Callable<T> task) throws IOException;
    }

    private final AgentThread agent;
    private final KernelDatapath datapath;
    private final CgroupFs cgroups;
    private final UnprivilegedRuns settings;
    private final EventSource events;
    private final AttachmentNames names;
    private final Function<PolicySlot, Optional<Reconciler.Known>> agentPolicies;
    private final RunArguments arguments;
    private final Runnable eventsCaughtUp;

    /**
     * @param names         the agent's DNS side: a run's name rules, and those of agent policies it
     *                      carries, are answered by the agent's proxy
     * @param agentPolicies which agent policy (with its name rules) a slot in force is
     * @param arguments     reads the options of a request that sends them as typed
     * @param eventsCaughtUp returns once the events submitted so far are read and named: a run's
     *                      are, before its cgroup and record go
     */
    UserRuns(AgentThread agent, KernelDatapath datapath, CgroupFs cgroups, UnprivilegedRuns settings, EventSource events,
             AttachmentNames names, Function<PolicySlot, Optional<Reconciler.Known>> agentPolicies, RunArguments arguments,
             Runnable eventsCaughtUp) {
        this.arguments = arguments;
        this.eventsCaughtUp = eventsCaughtUp;
        this.names = names;
        this.agentPolicies = agentPolicies;
        this.agent = agent;
        this.events = events;
        this.datapath = datapath;
        this.cgroups = cgroups;
        this.settings = settings;
    }

    @Override
    public ApiResponse start(Peer peer, RunRequest request) {
        Optional<String> refusal = isRoot(peer) ? Optional.empty() : ProcessFacts.mayRun(peer, settings);
        if (refusal.isPresent()) {
            return ApiResponse.error(403, refusal.get());
        }
        Policy policy;
        List<String> launch = List.of();
        try {
            if (request.args() != null) {
                Optional<RunArguments.Plan> plan = arguments.parse(request.args(), isRoot(peer));
                if (plan.isEmpty()) {
                    return ApiResponse.error(CLI_MAKES_IT, "the CLI makes this run itself (or says what is wrong with its options)");
                }
                policy = plan.get().policy();
                launch = plan.get().launch();
            } else {
                policy = policy(request);
            }
        } catch (IllegalArgumentException e) { // a RuleSyntaxException too
            return ApiResponse.error(400, e.getMessage());
        }
        if (!isRoot(peer) && policy.egress().size() + policy.ingress().size() > settings.maxRules()) {
            return ApiResponse.error(429, "a run may have at most " + settings.maxRules() + " rules (max_rules), not "
                    + (policy.egress().size() + policy.ingress().size()));
        }
        Optional<String> notYours = ProcessFacts.stoppedChild(request.pid(), peer);
        if (notYours.isPresent()) {
            return ApiResponse.error(403, notYours.get());
        }
        try {
            List<String> launchOptions = launch;
            return agent.call(() -> startOnAgentThread(peer, request.pid(), policy, launchOptions));
        } catch (IOException | RuntimeException e) {
            return ApiResponse.error(500, "cannot start the run: " + e.getMessage());
        }
    }

    private ApiResponse startOnAgentThread(Peer peer, long pid, Policy policy, List<String> launch) throws IOException {
        String userTree = settings.cgroup() + "/uid-" + peer.uid();
        ensure(settings.cgroup());
        ensure(userTree);
        long active = runsLeftAfterReaping(userTree);
        if (!isRoot(peer) && active >= settings.maxRunsPerUser()) {
            return ApiResponse.error(429, "uid " + peer.uid() + " has " + active + " runs going; at most "
                    + settings.maxRunsPerUser() + " at once (max_runs_per_user)");
        }
        List<PolicySlot> inherited = new ArrayList<>();
        List<String> inheritedFrom = new ArrayList<>();
        List<Reconciler.Known> inheritedNames = new ArrayList<>();
        for (Cgroup ancestor : chain(cgroups.cgroupOf(peer.pid()))) {
            for (PolicySlot slot : datapath.slotsInForce(ancestor.id())) {
                Optional<Reconciler.Known> known = agentPolicies.apply(slot).filter(k -> k.applied().hasNames());
                if (known.isPresent()) {
                    inheritedNames.add(known.get()); // carried with its name rules, learned for the run itself
                } else {
                    inherited.add(slot);
                }
                inheritedFrom.add(ancestor.path());
            }
        }
        if (inherited.size() + inheritedNames.size() >= CgroupPolicy.MAX_SLOTS) {
            return ApiResponse.error(403, "you are under " + inheritedFrom.size() + " netfence policies (" + String.join(", ", inheritedFrom)
                    + "); a run carries them all beside its own, and a cgroup holds " + CgroupPolicy.MAX_SLOTS);
        }
        Cgroup run = cgroups.create(userTree + "/run-" + pid);
        int scope = CgroupPolicy.scopeOf(run.id());
        try {
            boolean withNames = policy.hasNames() || !inheritedNames.isEmpty();
            List<AppliedPolicy> carried = inheritedNames.stream().map(Reconciler.Known::applied).toList();
            AppliedPolicy applied = datapath.attach(run, policy.renamed("run-" + pid + " (uid " + peer.uid() + ")"), carried,
                    inherited, AttachmentRecord.Kind.RUN, peer.pid(), withNames ? names.proxyPort() : 0);
            List<NamePolicy> answering = new ArrayList<>();
            if (policy.hasNames()) {
                answering.add(NamePolicy.of(scope, policy, applied));
            }
            inheritedNames.forEach(k -> answering.add(NamePolicy.of(scope, k.policy(), k.applied())));
            names.pointed(scope, answering);
            Files.writeString(run.directory().resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException | RuntimeException e) {
            names.released(scope);
            datapath.detachAndRemove(run);
            throw e;
        }
        return ApiResponse.ok(new RunStarted(Long.toString(pid), run.path(), inheritedFrom, launch));
    }

    /** Root's runs come here too (one protocol for every run while an agent is up), unlimited. */
    private static boolean isRoot(Peer peer) {
        return peer.uid() == 0;
    }

    @Override
    public ApiResponse finish(Peer peer, String id) {
        if (!id.matches("[0-9]{1,10}")) {
            return ApiResponse.error(400, "a run id is a number, not '" + id.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        String path = settings.cgroup() + "/uid-" + peer.uid() + "/run-" + id;
        try {
            return agent.call(() -> {
                Cgroup run;
                try {
                    run = cgroups.open(path);
                } catch (CgroupException e) {
                    return ApiResponse.error(404, "you have no run " + id);
                }
                eventsCaughtUp.run();
                Optional<CgroupCounters> counters = datapath.counters().of(run.id());
                boolean audit = datapath.attachment(run.id()).map(AttachmentRecord::audit).orElse(false);
                datapath.detachAndRemove(run);
                names.released(CgroupPolicy.scopeOf(run.id()));
                return ApiResponse.ok(new RunFinished(counters.map(CgroupCounters::denials).orElse(0L),
                        counters.map(c -> c.recent().stream().map(DeniedFlow::summary).toList()).orElse(List.of()), audit));
            });
        } catch (IOException | RuntimeException e) {
            return ApiResponse.error(500, "cannot finish run " + id + ": " + e.getMessage());
        }
    }

    @Override
    public EventSource events() {
        return events;
    }

    @Override
    public boolean isOwnEvent(Peer peer, DenialRecord event) {
        return event.cgroup() != null && event.cgroup().startsWith(settings.cgroup() + "/uid-" + peer.uid() + "/");
    }

    private static Policy policy(RunRequest request) {
        List<Rule> egress = new ArrayList<>();
        List<Rule> ingress = new ArrayList<>();
        List<NameRule> egressNames = new ArrayList<>();
        List<NameRule> ingressNames = new ArrayList<>();
        PacketSockets[] packetSockets = {PacketSockets.BY_DEFAULT};
        for (String line : request.egress()) {
            RuleLines.add(line, egress, egressNames, packetSockets);
        }
        for (String line : request.ingress()) {
            RuleLines.add(line, ingress, ingressNames, null);
        }
        return new Policy("run", egress, ingress, request.audit(), packetSockets[0], egressNames, ingressNames);
    }

    private void ensure(String path) throws CgroupException {
        if (!Files.isDirectory(cgroups.directoryOf(path))) {
            cgroups.create(path);
        }
    }

    /**
     * The runs of the tree going on, once those a client left (killed before it asked for the end,
     * see {@link KernelDatapath#isAbandonedRun}) are removed: they would count against
     * max_runs_per_user and keep their programs attached.
     */
    private long runsLeftAfterReaping(String userTree) throws IOException {
        List<Path> runs;
        try (Stream<Path> listing = Files.list(cgroups.directoryOf(userTree))) {
            runs = listing.filter(p -> p.getFileName().toString().startsWith("run-")).toList();
        }
        long left = 0;
        for (Path directory : runs) {
            Cgroup run;
            try {
                run = cgroups.open(userTree + "/" + directory.getFileName());
            } catch (CgroupException e) {
                continue; // ended meanwhile
            }
            if (datapath.isAbandonedRun(run)) {
                datapath.detachAndRemove(run);
                names.released(CgroupPolicy.scopeOf(run.id()));
            } else {
                left++;
            }
        }
        return left;
    }

    /** The cgroup at {@code path} and each of its ancestors below the root, innermost first. */
    private List<Cgroup> chain(String path) throws CgroupException {
        List<Cgroup> chain = new ArrayList<>();
        for (String p = path; !p.equals("/") && !p.isEmpty(); p = p.substring(0, Math.max(1, p.lastIndexOf('/')))) {
            chain.add(cgroups.open(p));
        }
        return chain;
    }
}
