package io.netfence.agent.daemon;

import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.cgroup.CgroupWatcher;
import io.netfence.agent.config.AgentConfig;
import io.netfence.agent.config.PolicyFileException;
import io.netfence.agent.config.PolicyFiles;
import io.netfence.agent.config.PolicySpec;
import io.netfence.agent.daemon.events.EventHub;
import io.netfence.agent.daemon.events.EventPump;
import io.netfence.agent.daemon.metrics.MetricsServer;
import io.netfence.agent.daemon.metrics.NetfenceMetrics;
import io.netfence.agent.datapath.KernelDatapath;
import io.netfence.agent.datapath.abi.CgroupPolicy;
import io.netfence.agent.datapath.PolicyIds;
import io.netfence.agent.datapath.PacketSocketPolicing;
import io.netfence.agent.host.AgentPidFile;
import io.netfence.agent.names.DnsLimits;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The long-lived agent: keeps the kernel in line with the policy files, follows cgroups as they
 * come and go, and reloads on file changes and SIGHUP. All changes to the kernel happen on one
 * thread, in order. Stopping the agent leaves every policy in force: the pins keep them.
 */
public final class Agent implements AutoCloseable, AgentControl {
    /**
     * The full rescan behind inotify, a safety net only: at 10,000 cgroups every 5 s it took a
     * quarter of a core and held up new cgroups and policy changes queued behind it.
     */
    private static final long RESCAN_SECONDS = 30;
    /** Rulesets of earlier policy versions are deleted at most this often, off the path of a change. */
    private static final long COLLECT_DELAY_MILLIS = 1000;
    /** How often learned names are expired and saved for the next agent. */
    private static final long NAMES_SECONDS = 2;
    /** Within the stop's bound (StopDeadline), with time left for the rest of close. */
    private static final long WORKER_GRACE_MILLIS = 1000;

    private final AgentConfig config;
    private final KernelDatapath datapath;
    private final CgroupFs cgroups;
    private PacketSocketPolicing packetSockets;
    private final Reconciler reconciler;
    private final ScheduledExecutorService worker;
    private final Instant started = Instant.now();
    private volatile ReloadResult lastReload;
    /** The policy files as the reload in force read them: path → text. */
    private Map<String, String> textsInForce = Map.of();
    private PolicyDirectoryWatcher policyWatcher;
    private CgroupWatcher cgroupWatcher;
    private EventHub events;
    private EventPump pump;
    private MetricsServer metricsServer;
    private final java.util.concurrent.atomic.AtomicBoolean collectPending = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong reloadsOk = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong reloadsRejected = new java.util.concurrent.atomic.AtomicLong();
    private volatile Map<Integer, String> policyNames = Map.of();
    private final FlowHistoryKeeper flowHistory;
    private final AgentNames names;

    private Agent(AgentConfig config, KernelDatapath datapath, CgroupFs cgroups, PolicyIds policyIds, AgentNames names)
            throws IOException {
        this.config = config;
        this.cgroups = cgroups;
        this.datapath = datapath;
        this.names = names;
        this.reconciler = new Reconciler(datapath, cgroups, policyIds, config.flowHistory().enabled(), names);
        this.flowHistory = new FlowHistoryKeeper(config.flowHistory(), datapath.flows());
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "netfence-reconciler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Adopts what is pinned, applies the policy files and starts watching. */
    public static Agent start(AgentConfig config, CgroupFs cgroups) throws IOException {
        KernelDatapath datapath = KernelDatapath.open(cgroups);
        datapath.collectGarbage();
        AgentPidFile.claim(datapath.runtimeDirectory());
        datapath.flowCapacity(config.flowHistory().maxFlows());
        datapath.keepLoaded();
        Agent agent;
        AgentNames dns = null;
        try {
            PolicyIds policyIds = PolicyIds.load(datapath.runtimeDirectory());
            dns = AgentNames.start(datapath, DnsLimits.DEFAULT);
            agent = new Agent(config, datapath, cgroups, policyIds, dns);
        } catch (IOException | RuntimeException e) {
            if (dns != null) {
                dns.close();
            }
            datapath.release();
            AgentPidFile.release(datapath.runtimeDirectory());
            throw e;
        }
        agent.packetSockets = datapath.packetSocketPolicing();
        if (!agent.packetSockets.enforced()) {
            Log.error("packet and XDP sockets are " + agent.packetSockets.describe()
                    + "; a process with CAP_NET_RAW in a confined cgroup can send around its policy");
        }
        try {
            agent.call(() -> {
                agent.reloadNow();
                agent.names.forgetAllBut(datapath.attachments().keySet().stream().map(CgroupPolicy::scopeOf)
                        .collect(java.util.stream.Collectors.toSet()));
                return null;
            });
            agent.events = new EventHub(config.eventsFile());
            EventNames names = new EventNames(datapath, agent.reconciler.tree(), () -> agent.policyNames, n -> agent.pump.wallClock(n),
                    agent.names.addressNames());
            agent.pump = new EventPump(datapath.openEvents(), agent.events, names.resolver());
            EventHub hub = agent.events;
            agent.names.publishRefusals((event, name) -> hub.publish(names.lookupRefused(event, name)));
            if (!config.metricsListen().isEmpty()) {
                NetfenceMetrics metrics = new NetfenceMetrics(new AgentScrapeSource(agent, datapath), version());
                agent.metricsServer = MetricsServer.start(config.metricsListen(), metrics.registry());
            }
            agent.policyWatcher = new PolicyDirectoryWatcher(config.policyDirectories(), agent::reloadIfChanged);
            agent.cgroupWatcher = new CgroupWatcher(agent.reconciler.tree(), new CgroupWatcher.Listener() {
                @Override
                public void appeared(String path) {
                    agent.submit(() -> agent.reconciler.cgroupAppeared(path), "apply policies to new cgroup " + path);
                }

                @Override
                public void vanished(String path) {
                    agent.submit(() -> agent.reconciler.cgroupVanished(path), "release removed cgroup " + path);
                }

                @Override
                public void rescan() {
                    agent.submit(agent.reconciler::reconcileAll, "rescan cgroups");
                }
            });
            agent.worker.scheduleWithFixedDelay(() -> agent.runLogged(agent.reconciler::rescan, "rescan cgroups"),
                    RESCAN_SECONDS, RESCAN_SECONDS, TimeUnit.SECONDS);
            agent.worker.scheduleWithFixedDelay(() -> agent.runLogged(agent.names::maintain, "keep learned names"),
                    NAMES_SECONDS, NAMES_SECONDS, TimeUnit.SECONDS);
            agent.worker.scheduleWithFixedDelay(HeapTrim::trimIfMostlyFree, HeapTrim.SECONDS, HeapTrim.SECONDS, TimeUnit.SECONDS);
            if (agent.flowHistory.enabled()) {
                long sweep = agent.flowHistory.sweepInterval().toMillis();
                agent.worker.scheduleWithFixedDelay(() -> agent.runLogged(() -> agent.flowHistory.expire(agent.historyIds()),
                        "expire old flow records"), sweep, sweep, TimeUnit.MILLISECONDS);
            }
            return agent;
        } catch (IOException | RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    /** Lookups the DNS proxy refused, by policy and mode. */
    Map<LookupRefusals.Key, Long> lookupRefusals() {
        return names.refusals();
    }

    /** The API's actions on this agent. */
    public io.netfence.agent.api.ApiRoutes routes() {
        return new AgentRoutes(this);
    }

    /** The run socket's routes: every run while the agent is up; {@code arguments} reads options sent as typed. */
    public io.netfence.agent.api.RunRoutes runRoutes(RunArguments arguments) {
        return new UserRuns(this::call, datapath, cgroups, config.runs(), routes().events(), names, reconciler::knownPolicy,
                arguments, () -> {
                    if (pump != null) {
                        pump.catchUp();
                    }
                });
    }

    public AgentConfig config() {
        return config;
    }

    /** Reloads the policy files on the agent's thread (file change, SIGHUP). */
    public void reload() {
        submit(this::reloadNow, "reload policies");
    }

    /**
     * Reloads unless the files say what is in force already: a file the API wrote, seen again by
     * the watcher after the API's own reload applied it.
     */
    private void reloadIfChanged() {
        submit(() -> {
            if (!isInForce()) {
                reloadNow();
            }
        }, "reload policies");
    }

    private boolean isInForce() {
        try {
            return lastReload != null && lastReload.ok() && PolicyFiles.read(config.policyDirectories()).equals(textsInForce);
        } catch (PolicyFileException | IOException | RuntimeException e) {
            return false; // the reload says what is wrong
        }
    }

    /** Reloads and waits for the result. */
    public ReloadResult reloadAndWait() throws IOException {
        return call(() -> {
            reloadNow();
            return lastReload;
        });
    }

    /**
     * Every way a reload can fail ends here as a rejected reload, so status, log and metrics
     * all say so: a file the parser refused, one that cannot be read, a set the maps cannot hold.
     */
    private void reloadNow() {
        Map<String, String> texts;
        List<PolicySpec> specs;
        try {
            texts = PolicyFiles.read(config.policyDirectories());
            specs = PolicyFiles.parse(texts);
        } catch (PolicyFileException e) {
            rejected(e.errors());
            return;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            rejected(List.of("cannot read the policy files: " + e));
            return;
        }
        try {
            reconciler.apply(specs);
        } catch (IOException | RuntimeException e) {
            rejected(List.of("policies not applied: " + e.getMessage()));
            return;
        }
        textsInForce = texts;
        collectOldRulesetsSoon();
        policyNames = reconciler.policyNamesById();
        flowHistory.forgetAllBut(idsOf(specs, reconciler::records), reconciler.highestPolicyId());
        lastReload = new ReloadResult(Instant.now(), true, List.of());
        reloadsOk.incrementAndGet();
        Log.info("Applied " + specs.size() + " policies (cgroups each is in force on): " + reconciler.matchedCounts());
    }

    /**
     * Deletes the rulesets of earlier policy versions once no cgroup points at them, after a
     * second: a burst of changes pays for one scan of every cgroup, and none waits behind it.
     */
    private void collectOldRulesetsSoon() {
        if (collectPending.compareAndSet(false, true)) {
            worker.schedule(() -> {
                collectPending.set(false);
                runLogged(reconciler::collectOldRulesets, "delete the rulesets of earlier policy versions");
            }, COLLECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** The ids of the policies in force that {@code which} accepts. */
    private Set<Integer> idsOf(List<PolicySpec> specs, java.util.function.Predicate<PolicySpec> which) {
        Map<String, Integer> byName = new HashMap<>();
        policyNames.forEach((id, name) -> byName.put(name, id));
        Set<Integer> ids = new HashSet<>();
        specs.stream().filter(which).map(s -> byName.get(s.name())).filter(java.util.Objects::nonNull).forEach(ids::add);
        return ids;
    }

    /** The policies whose records flow_history's max_age applies to: all but learn mode's, which end with their policy. */
    private Set<Integer> historyIds() {
        return idsOf(reconciler.specs(), s -> !s.policy().learn());
    }

    @Override
    public Optional<RecordedFlows> flows(String policy, Duration since) throws IOException {
        return call(() -> {
            Optional<PolicySpec> spec = reconciler.specs().stream().filter(s -> s.name().equals(policy)).findAny();
            Optional<Integer> id = policyNames.entrySet().stream().filter(e -> e.getValue().equals(policy))
                    .map(Map.Entry::getKey).findAny();
            if (spec.isEmpty() || id.isEmpty()) {
                return Optional.<RecordedFlows>empty();
            }
            FlowHistoryKeeper.Read read = flowHistory.read(id.get(), since);
            return Optional.of(new RecordedFlows(read.flows(), read.omitted(), reconciler.records(spec.get()),
                    flowHistory.capacity(), config.flowHistory()));
        });
    }

    @Override
    public FlowHistoryKeeper.Usage flowHistory() {
        return flowHistory.usage();
    }

    private void rejected(List<String> errors) {
        errors.forEach(Log::error);
        Log.error("Policies rejected (" + errors.size() + " errors); the policies in force stay in force.");
        lastReload = new ReloadResult(Instant.now(), false, errors);
        reloadsRejected.incrementAndGet();
    }

    public ReloadResult lastReload() {
        return lastReload;
    }

    public String packetSockets() {
        return packetSockets.describe();
    }

    @Override
    public Instant started() {
        return started;
    }

    /** A consistent view of policies, their sources and the cgroups they are in force on. */
    public AgentStatus status() throws IOException {
        return call(() -> new AgentStatus(reconciler.specs(), reconciler.matched(), reconciler.conflicts(), lastReload, started));
    }

    public Map<Integer, String> policyNamesById() {
        return policyNames;
    }

    public EventHub events() {
        return events;
    }

    long eventsPending() {
        return pump == null ? 0 : pump.pendingBytes();
    }

    long reloads(boolean ok) {
        return ok ? reloadsOk.get() : reloadsRejected.get();
    }

    /** The metrics server's port (0 when metrics are off), for tests that ask for port 0. */
    public int metricsPort() {
        return metricsServer == null ? 0 : metricsServer.port();
    }

    static String version() {
        String version = Agent.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private interface Action {
        void run() throws IOException;
    }

    private void submit(Action action, String what) {
        worker.execute(() -> runLogged(action, what));
    }

    private void runLogged(Action action, String what) {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            Log.error("Failed to " + what + ": " + e.getMessage());
        }
    }

    /** Runs on the agent's thread and waits, so callers see changes in order. */
    public <T> T call(Callable<T> task) throws IOException {
        Future<T> future = worker.submit(task);
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (pump != null) {
            pump.close();
        }
        if (events != null) {
            events.close();
        }
        if (cgroupWatcher != null) {
            cgroupWatcher.close();
        }
        if (policyWatcher != null) {
            policyWatcher.close();
        }
        if (!stopWorker()) {
            // still in a kernel call or a parse: its descriptors must stay open under it; the exit closes them
            Log.error("The reconciler did not stop within " + WORKER_GRACE_MILLIS + " ms; leaving it to the exit.");
            return;
        }
        names.close();
        datapath.release();
        AgentPidFile.release(datapath.runtimeDirectory());
    }

    private boolean stopWorker() {
        worker.shutdownNow();
        try {
            return worker.awaitTermination(WORKER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
