package io.netfence.vmtests;

import static io.netfence.vmtests.fixtures.TestHost.TCP_PORT;
import static io.netfence.vmtests.fixtures.TestResolver.API;
import static io.netfence.vmtests.fixtures.TestResolver.MANY;
import static io.netfence.vmtests.fixtures.TestResolver.MANY_ADDRESSES;
import static io.netfence.vmtests.fixtures.TestResolver.TRACKER;
import static io.netfence.vmtests.fixtures.TestResolver.WWW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestCgroups;
import io.netfence.vmtests.fixtures.Eventually;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestHost;
import io.netfence.vmtests.fixtures.TestResolver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Name rules under {@code netfence run} and in agent policies: a real dnsmasq in a test host
 * answers, the confined probe asks it as a resolver library does, and the run's or the agent's
 * DNS proxy learns what it may reach.
 */
@KernelTest
class NameRulesKernelTest {
    private static final int PORT = TCP_PORT;
    private static TestHost host;
    private static TestResolver resolver;
    private static TestCgroups cgroups;

    @BeforeAll
    static void start() {
        host = TestHost.start();
        resolver = TestResolver.start(host);
        cgroups = TestCgroups.create();
    }

    @AfterAll
    static void stop() {
        if (cgroups != null) {
            cgroups.close();
        }
        if (resolver != null) {
            resolver.close();
        }
        if (host != null) {
            host.close();
        }
    }

    private static Result dns(Confined confined, String... probe) {
        List<String> command = new ArrayList<>(List.of(Probe.PYTHON, Probe.script("dnsprobe.py").toString()));
        command.addAll(List.of(probe));
        return confined.command(command, Duration.ofMinutes(5));
    }

    /** As nobody: a guest whose init chroots (before main's switch_root) refuses run's user namespace. */
    private static Confined confined() {
        return Confined.under(cgroups.root()).flag("--user").flag("65534");
    }

    private static Confined allowOnlyApi() {
        return confined().deny("any").allow(API + ":" + PORT + "/tcp");
    }

    @Test
    void anAllowedNameConnectsAtOnceOverIpv4AndIpv6() {
        Result v4 = dns(allowOnlyApi(), "dnsconnect", API, resolver.address, "A", "" + PORT);
        Result v6 = dns(allowOnlyApi(), "dnsconnect", API, resolver.address, "AAAA", "" + PORT);

        assertEquals(List.of("ok"), v4.stdoutLines(), v4.toString());
        assertEquals(List.of("ok"), v6.stdoutLines(), v6.toString());
    }

    @Test
    void theAnswerComesFromTheResolverTheProgramAsked() {
        Result r = dns(allowOnlyApi(), "dns", API, resolver.address, "A");

        assertEquals(List.of("answer " + host.peerV4), r.stdoutLines(), r.toString());
    }

    @Test
    void aDeniedNameFailsAtLookupAndIsReported() {
        Result underDenyAny = dns(allowOnlyApi(), "dns", TRACKER, resolver.address, "A");
        Result denied = dns(confined().deny(TRACKER), "dns", TRACKER, resolver.address, "A");

        assertEquals(List.of("rcode 5"), underDenyAny.stdoutLines(), underDenyAny.toString());
        assertEquals(List.of("rcode 5"), denied.stdoutLines(), denied.toString());
        assertTrue(denied.stderr().contains("netfence: refused 1 lookup: " + TRACKER), denied.stderr());
    }

    @Test
    void aLiteralAddressOfTheAllowedHostIsRefusedWithoutALookup() {
        Result r = confined().deny("any").allow(API + ":" + PORT + "/tcp")
                .probe("tcp", host.peerV4, "" + PORT);

        assertEquals(List.of("error EPERM"), r.stdoutLines(), r.toString());
    }

    @Test
    void aCnameChainIsFollowed() {
        Result r = dns(confined().deny("any").allow(WWW), "dnsconnect", WWW, resolver.address, "A", "" + PORT);

        assertEquals(List.of("ok"), r.stdoutLines(), r.toString());
    }

    @Test
    void aQueryOverTcpIsAnsweredAndLearned() {
        Result r = dns(allowOnlyApi(), "dns", API, resolver.address, "A", "tcp");

        assertEquals(List.of("answer " + host.peerV4), r.stdoutLines(), r.toString());
    }

    @Test
    void expiryDoesNotCutAnOpenConnectionButRefusesNewOnes() {
        // TTL 1 s + grace 1 s: after 4 s the address no longer counts for new connections
        Result r = dns(allowOnlyApi().flag("--dns-grace").flag("1"), "dnshold", API, resolver.address, "" + PORT, "4");

        assertEquals(List.of("held echo before echo after; again error EPERM"), r.stdoutLines(), r.toString());
    }

    @Test
    void everyConnectRightAfterALookupIsAllowed() {
        Result r = dns(allowOnlyApi(), "dnsloop", "1000", API, resolver.address, "" + PORT);

        assertEquals(List.of("lookups 1000 refused 0 failed 0"), r.stdoutLines(), r.toString());
    }

    private static List<String> dnsProbe(String... probe) {
        List<String> command = new ArrayList<>(List.of(Probe.PYTHON, Probe.script("dnsprobe.py").toString()));
        command.addAll(List.of(probe));
        return command;
    }

    private static int applied(TestAgent agent) {
        return agent.log().split("Applied ", -1).length - 1;
    }

    @Test
    void anAgentPolicyLearnsNamesPerCgroupAndKeepsThemAcrossReloadAndRestart() {
        String service = cgroups.create("service");
        String sibling = cgroups.create("sibling");
        String policy = "policies:\n  - name: names\n    target: \"" + cgroups.root() + "/{service,sibling}\"\n    egress:\n"
                + "      - deny any\n      - allow " + API + ":" + PORT + "/tcp\n";
        List<String> literal = Probe.command("tcp", host.peerV4, "" + PORT);
        try (TestAgent agent = TestAgent.create()) {
            agent.writePolicy("names.yaml", policy);
            agent.start();
            Eventually.holds("the agent confines the service", () -> cgroups.run(service, literal).stdout().strip().equals("error EPERM"));

            Result lookup = cgroups.run(service, dnsProbe("dnsconnect", API, resolver.address, "A", "" + PORT));
            Result denied = cgroups.run(service, dnsProbe("dns", TRACKER, resolver.address, "A"));
            assertEquals(List.of("ok"), lookup.stdoutLines(), "an allowed name connects at once: " + lookup + agent.log());
            assertEquals(List.of("rcode 5"), denied.stdoutLines(), "a name no rule allows is refused at lookup: " + denied);
            assertEquals("ok", cgroups.run(service, literal).stdout().strip(), "the learned address counts for the service");
            assertEquals("error EPERM", cgroups.run(sibling, literal).stdout().strip(), "but not for another cgroup of the policy");
            assertEquals("error EPERM", cgroups.run(service, Probe.command("tcp", host.peerV4, "" + TestHost.OTHER_TCP_PORT))
                    .stdout().strip(), "another port of the name is not allowed");
            Eventually.holds("events name the refused lookup and the host behind the denied address", () -> {
                String events = String.join("\n", io.netfence.vmtests.fixtures.Processes.run(
                        io.netfence.vmtests.fixtures.Netfence.command(agent.netfence("events", "--json").toArray(String[]::new))).stdoutLines());
                return events.contains("\"hook\":\"dns\"") && events.contains("\"destination\":\"" + TRACKER + " (lookup via ")
                        && events.contains("\"destination\":\"" + API + " (" + host.peerV4 + "):" + TestHost.OTHER_TCP_PORT + "/tcp\"")
                        && events.contains("\"name\":\"" + API + "\"");
            });

            int before = applied(agent);
            agent.writePolicy("names.yaml", policy + "      - deny 198.18.255.255\n"); // new rulesets for the policy
            Eventually.holds("the changed policy is applied", () -> applied(agent) > before);
            assertEquals("ok", cgroups.run(service, literal).stdout().strip(), "still learned after the reload, without a lookup");

            agent.kill();
            agent.start();
            Eventually.holds("the restarted agent applied its policies", () -> applied(agent) > before + 1);
            assertEquals("ok", cgroups.run(service, literal).stdout().strip(), "still learned after a kill -9 and restart: " + agent.log());
            Result again = cgroups.run(service, dnsProbe("dnsconnect", API, resolver.address, "A", "" + PORT));
            assertEquals(List.of("ok"), again.stdoutLines(), "the restarted agent answers lookups: " + again + agent.log());
        }
    }

    /** Bounded: the probe stops after 240 s and says how far it got, within the command's 5 minutes. */
    @Test
    void tenThousandConnectsRightAfterTheirLookupsAreAllAllowed() {
        Result r = dns(allowOnlyApi(), "dnsloop", "10000", API, resolver.address, "" + PORT, "240");

        assertEquals(List.of("lookups 10000 refused 0 failed 0"), r.stdoutLines(), r.toString());
    }

    /** glibc keeps its connected socket: every query goes to the same 127.I.I.I, the next sent as the answer is in. */
    @Test
    void lookupsOnOneConnectedSocketAreAllAnswered() {
        Result r = dns(allowOnlyApi(), "dnsreuse", "1000", API, resolver.address);

        assertEquals(List.of("answers 1000 timeouts 0"), r.stdoutLines(), r.toString());
    }

    /**
     * dnsmasq's UDP answer for a name of 40 addresses is truncated (TC, the records that fit): the
     * proxy relays it, its addresses are already allowed, the retry over TCP (as resolver
     * libraries do) is answered in full, and the peer's address connects at once.
     */
    @Test
    void aTruncatedAnswerIsRelayedAndTheRetryOverTcpConnectsAtOnce() {
        Result r = dns(confined().deny("any").allow(MANY + ":" + PORT + "/tcp"), "dnstruncated", MANY, resolver.address,
                host.peerV4, "" + PORT);

        assertEquals(List.of("udp truncated with answers refused 0; tcp " + MANY_ADDRESSES + " answers; connect ok"),
                r.stdoutLines(), r.toString());
    }

    @Test
    void theSummaryNamesTheHostBehindADeniedAddressAndTheRulesNoLookupMatched() {
        Result r = dns(confined().deny("any").allow(API + ":" + PORT + "/tcp").allow("unused.example.test"),
                "dnsconnect", API, resolver.address, "A", "" + TestHost.OTHER_TCP_PORT);

        assertEquals(List.of("error EPERM"), r.stdoutLines(), r.toString());
        assertTrue(r.stderr().contains("netfence: denied "), r.stderr());
        assertTrue(r.stderr().contains(API + " (" + host.peerV4 + "):" + TestHost.OTHER_TCP_PORT + "/tcp (connect)"), r.stderr());
        assertTrue(r.stderr().contains("netfence: no DNS lookup of unused.example.test was seen"), r.stderr());
        assertFalse(r.stderr().contains("lookup of " + API), r.stderr());
    }

    @Test
    void aRunNestedUnderAnAgentPolicyWithNamesLearnsForBoth() {
        String outer = cgroups.create("outer");
        String allowApi = API + ":" + PORT + "/tcp";
        try (TestAgent agent = TestAgent.create()) {
            agent.writePolicy("outer.yaml", "policies:\n  - name: outer\n    target: " + outer + "\n    egress:\n"
                    + "      - deny any\n      - allow " + allowApi + "\n");
            agent.start();
            List<String> literal = Probe.command("tcp", host.peerV4, "" + PORT);
            Eventually.holds("the agent confines the outer cgroup", () -> cgroups.run(outer, literal).stdout().strip().equals("error EPERM"));
            List<String> run = new ArrayList<>(io.netfence.vmtests.fixtures.Netfence.command("run", "--user", "65534",
                    "--deny", "any", "--allow", allowApi, "--"));
            run.addAll(dnsProbe("dnsconnect", API, resolver.address, "A", "" + PORT));

            Result nested = cgroups.run(outer, run);
            assertEquals(List.of("ok"), nested.stdoutLines(), "the run's proxy asks through the outer cgroup, so the agent's "
                    + "proxy learns the answer for the outer policy too: " + nested + agent.log());
        }
    }

    @Test
    void inAuditModeALookupNoRuleAllowsIsAnsweredAndReported() {
        String audited = cgroups.create("audited");
        try (TestAgent agent = TestAgent.create()) {
            agent.writePolicy("audited.yaml", "policies:\n  - name: audited\n    target: " + audited + "\n    mode: audit\n"
                    + "    egress:\n      - deny any\n      - allow " + API + ":" + PORT + "/tcp\n");
            agent.start();
            Eventually.holds("the agent steers the cgroup's lookups", () -> agent.log().contains("Applied 1 policies"));
            Result r = cgroups.run(audited, dnsProbe("dns", TRACKER, resolver.address, "A"));

            assertTrue(r.stdout().startsWith("answer 198.18."), "audit blocks nothing, lookups included: " + r);
            Eventually.holds("the would-be refusal is an audit event", () -> io.netfence.vmtests.fixtures.Processes.run(
                    io.netfence.vmtests.fixtures.Netfence.command(agent.netfence("events", "--json").toArray(String[]::new)))
                    .stdout().contains("\"action\":\"audit\",\"policy\":\"audited\""));
        }
    }

    @Test
    void aUserWithoutRootGetsNameRulesThroughTheAgentAndCarriesTheSessionsNamePolicy() {
        String session = cgroups.create("user-session");
        String allowApi = API + ":" + PORT + "/tcp";
        try (TestAgent agent = TestAgent.create().allowRuns("everyone", cgroups.root() + "/user-runs", 2, 50)) {
            agent.writePolicy("session.yaml", "policies:\n  - name: session\n    target: " + session + "\n    egress:\n"
                    + "      - deny any\n      - allow " + allowApi + "\n");
            agent.start();
            List<String> literal = Probe.command("tcp", host.peerV4, "" + PORT);
            Eventually.holds("the agent confines the session", () -> cgroups.run(session, literal).stdout().strip().equals("error EPERM"));
            java.util.function.Function<List<String>, Result> asUser = args -> {
                List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65532", "--regid=65532", "--clear-groups"));
                command.addAll(io.netfence.vmtests.fixtures.Netfence.command("run", "--run-socket", agent.runSocket().toString()));
                command.addAll(args);
                return cgroups.run(session, command);
            };
            List<String> own = new ArrayList<>(List.of("--deny", "any", "--allow", allowApi, "--"));
            own.addAll(dnsProbe("dnsconnect", API, resolver.address, "A", "" + PORT));
            List<String> carried = new ArrayList<>(List.of("--deny", TRACKER + ":1/tcp", "--"));
            carried.addAll(dnsProbe("dnsconnect", API, resolver.address, "A", "" + PORT));
            List<String> refused = new ArrayList<>(List.of("--deny", "any", "--allow", allowApi, "--"));
            refused.addAll(dnsProbe("dns", TRACKER, resolver.address, "A"));

            Result ownNames = asUser.apply(own);
            Result sessionNames = asUser.apply(carried);
            Result refusedName = asUser.apply(refused);

            assertEquals(List.of("ok"), ownNames.stdoutLines(), "the run's own name rule, answered by the agent: " + ownNames + agent.log());
            assertEquals(List.of("ok"), sessionNames.stdoutLines(), "the session's name policy holds in the run and learns "
                    + "for it: " + sessionNames + agent.log());
            assertEquals(List.of("rcode 5"), refusedName.stdoutLines(), refusedName.toString());
        }
    }

    @Test
    void attachWithNameRulesGoesThroughTheAgentAndDetachRemovesIt() {
        String attached = cgroups.create("attached");
        List<String> literal = Probe.command("tcp", host.peerV4, "" + PORT);
        try (TestAgent agent = TestAgent.create()) {
            agent.start();
            Result attach = io.netfence.vmtests.fixtures.Processes.run(io.netfence.vmtests.fixtures.Netfence.command(
                    agent.netfence("attach", "--cgroup", attached, "--deny", "any", "--allow", API + ":" + PORT + "/tcp").toArray(String[]::new)));
            assertEquals(0, attach.exitCode(), attach.toString());
            assertTrue(attach.stdout().contains("through the agent"), attach.toString());
            assertEquals("error EPERM", cgroups.run(attached, literal).stdout().strip(), "confined: no lookup yet");
            Result lookup = cgroups.run(attached, dnsProbe("dnsconnect", API, resolver.address, "A", "" + PORT));
            assertEquals(List.of("ok"), lookup.stdoutLines(), lookup + agent.log());

            Result detach = io.netfence.vmtests.fixtures.Processes.run(io.netfence.vmtests.fixtures.Netfence.command(
                    agent.netfence("detach", "--cgroup", attached).toArray(String[]::new)));
            assertEquals(0, detach.exitCode(), detach.toString());
            assertTrue(detach.stdout().contains("agent policy attach-"), detach.toString());
            assertEquals("ok", cgroups.run(attached, Probe.command("tcp", host.peerV4, "" + TestHost.OTHER_TCP_PORT)).stdout().strip(),
                    "detached: nothing confines it any more");
        }
    }
}
