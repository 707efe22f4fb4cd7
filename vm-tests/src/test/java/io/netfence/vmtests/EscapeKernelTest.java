package io.netfence.vmtests;

import static io.netfence.vmtests.fixtures.TestHost.TCP_PORT;
import static io.netfence.vmtests.fixtures.TestHost.UDP_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.vmtests.fixtures.KernelTest;
import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Processes;
import io.netfence.vmtests.fixtures.Result;
import io.netfence.vmtests.fixtures.TestAgent;
import io.netfence.vmtests.fixtures.TestCgroups;
import io.netfence.vmtests.fixtures.TestHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ways around a policy. Each attempt is first shown to work unconfined (the control, so that the
 * test can fail), then shown to fail under {@code run} as root, under {@code run --user} as an
 * unprivileged user and, where it applies, under {@code attach} and an agent policy. Everything
 * an attempt could reach is the test's own: its cgroups, its netns test host, its processes.
 */
@KernelTest
class EscapeKernelTest {
    /** More extension headers than the BPF parser walks (NF_IPV6_EXT_HEADERS_MAX is 6). */
    private static final int LONG_CHAIN = 8;
    /** The unprivileged user of the --user runs: a uid no account has, so it owns nothing. */
    private static final String USER = "65533";
    /** What root inside a run is on the host. */
    private static final String NOBODY = "65534";

    private static TestHost host;
    private static TestCgroups cgroups;

    @BeforeAll
    static void start() {
        host = TestHost.start();
        cgroups = TestCgroups.create();
    }

    @AfterAll
    static void stop() {
        if (cgroups != null) {
            cgroups.close();
        }
        if (host != null) {
            host.close();
        }
    }

    /** One probe's result line, run as the given confinement. */
    private interface Runner {
        Result run(List<String> probe);
    }

    private static final Runner UNCONFINED = probe -> Processes.run(probe);

    private static Runner run(String... options) {
        return probe -> {
            List<String> args = new ArrayList<>(List.of("run", "--cgroup-parent", cgroups.root()));
            args.addAll(List.of(options));
            args.add("--");
            args.addAll(probe);
            return Netfence.run(args.toArray(String[]::new));
        };
    }

    private static final Runner RUN_AS_ROOT = run("--deny", "any");
    private static final Runner RUN_AS_USER = run("--user", USER, "--deny", "any");

    private static String line(Runner runner, String... probe) {
        Result r = runner.run(Probe.command(probe));
        return r.stdout().strip();
    }

    private static String linePerRun(Runner runner, String... probe) {
        Result r = runner.run(Probe.command(probe));
        assertTrue(r.stdoutLines().size() == 1, "one answer: " + r);
        return r.stdoutLines().get(0);
    }

    @Test
    void leavingTheRunsCgroup() {
        String elsewhere = cgroups.create("elsewhere");
        String procs = cgroups.directory(elsewhere).resolve("cgroup.procs").toString();

        assertEquals("moved", line(UNCONFINED, "move", procs), "control: root moves itself");
        assertEquals("error EROFS", line(RUN_AS_ROOT, "move", procs));
        assertEquals("error EROFS", line(RUN_AS_USER, "move", procs));
    }

    @Test
    void packetSocketsSendAroundNoPolicy() {
        String[] frame = {"packet", host.hostInterface, host.hostMac(), host.peerMac(), host.hostV4, host.peerV4};
        assertEquals("reply", linePerRun(UNCONFINED, frame), "control: a hand-built ICMP echo is answered");
        assertEquals("created", linePerRun(UNCONFINED, "xdp"), "control: root creates an AF_XDP socket");

        assertEquals("error EPERM", linePerRun(RUN_AS_ROOT, frame));
        assertEquals("error EPERM", linePerRun(RUN_AS_USER, frame));
        assertEquals("error EPERM", linePerRun(RUN_AS_ROOT, "xdp"));

        String cgroup = cgroups.create("raw-service");
        Result attached = Netfence.ok("attach", "--cgroup", cgroup, "--deny", "any");
        try {
            String packet = cgroups.run(cgroup, Probe.command(frame)).stdout().strip();
            String xdp = cgroups.run(cgroup, Probe.command("xdp")).stdout().strip();
            if (policed()) {
                assertEquals("error EPERM", packet, "a root service confined by attach");
                assertEquals("error EPERM", xdp);
                Result summary = run("--keep-privileges", "--deny", "any").run(Probe.command("xdp"));
                assertTrue(summary.stderr().contains("XDP socket (sock_create)"), "the refusal is reported like any denial: " + summary);
            } else {
                assertTrue(attached.stderr().contains("warning: packet and XDP sockets are NOT policed on this kernel"),
                        "where no mechanism holds, attach says so loudly: " + attached);
                assertEquals("reply", packet, "and it is true: " + attached);
            }
            Netfence.ok("attach", "--cgroup", cgroup, "--deny", "any", "--allow", "packet-sockets");
            assertEquals("created", cgroups.run(cgroup, Probe.command("xdp")).stdout().strip(), "the opt-in lets them be");
        } finally {
            Netfence.ok("detach", "--cgroup", cgroup);
        }
    }

    @Test
    void packetSocketsUnderAnAgentPolicy() throws IOException {
        String cgroup = cgroups.create("agent-service");
        try (TestAgent agent = TestAgent.create()) {
            agent.writePolicy("raw.yaml", "policies:\n  - name: raw\n    target: " + cgroup + "\n    egress: [deny any]\n");
            agent.start();
            Result status = Processes.run(Netfence.command(agent.netfence("status").toArray(String[]::new)));
            assertTrue(status.stdout().contains("packet sockets: "), status.toString());
            String xdp = cgroups.run(cgroup, Probe.command("xdp")).stdout().strip();
            if (policed()) {
                assertEquals("error EPERM", xdp);
            } else {
                assertTrue(status.stdout().contains("NOT policed on this kernel"), status.toString());
                assertTrue(agent.log().contains("NOT policed on this kernel"), "the agent says so loudly at start");
            }
        }
    }

    private static Boolean policed;

    /** Whether this kernel runs netfence's packet-socket program (attach says so when not). */
    private static synchronized boolean policed() {
        if (policed == null) {
            String cgroup = cgroups.create("probe-policing");
            try {
                policed = !Netfence.ok("attach", "--cgroup", cgroup, "--deny", "any").stderr().contains("NOT policed");
            } finally {
                Netfence.ok("detach", "--cgroup", cgroup);
            }
        }
        return policed;
    }

    @Test
    void creatingANetworkDevice() {
        // every attempt runs in the test host's namespace, so even a wrong success creates nothing on this host
        List<String> control = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace));
        control.addAll(Probe.command("tun", "nfttun0"));
        assertEquals("created", Processes.run(control).stdout().strip(), "control: root creates a tun device");

        for (String[] options : List.of(new String[] {"--deny", "any"}, new String[] {"--user", USER, "--deny", "any"})) {
            // nsenter, not 'ip netns exec', which would hide this host's cgroup2 mount under a new /sys
            List<String> confined = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + host.namespace));
            List<String> args = new ArrayList<>(List.of("run", "--cgroup-parent", cgroups.root()));
            args.addAll(List.of(options));
            args.add("--");
            args.addAll(Probe.command("tun", "nfttun0"));
            confined.addAll(Netfence.command(args.toArray(String[]::new)));
            Result r = Processes.run(confined);
            assertTrue(refused(r.stdout().strip()), String.join(" ", options) + ": " + r);
        }
    }

    @Test
    void detachingOrUnpinningNetfencesPrograms() {
        String cgroup = cgroups.create("pinned");
        Netfence.ok("attach", "--cgroup", cgroup, "--deny", "any");
        try {
            String link = Processes.check("bpftool", "link", "show", "pinned",
                    "/sys/fs/bpf/netfence/v3/cgroups/" + cgroupId(cgroup) + "/nf_connect4").split(":", 2)[0].strip();
            assertEquals("got", line(UNCONFINED, "bpf-link", link), "control: root gets the link (the first step of detaching it)");
            assertEquals("error EPERM", line(RUN_AS_ROOT, "bpf-link", link));
            assertEquals("error EPERM", line(RUN_AS_USER, "bpf-link", link));

            String pins = "test -e /sys/fs/bpf/netfence && echo present || echo absent";
            assertEquals("present", Processes.run(List.of("/bin/sh", "-c", pins)).stdout().strip());
            assertEquals("absent", RUN_AS_ROOT.run(List.of("/bin/sh", "-c", pins)).stdout().strip(), "no bpffs inside a run");
        } finally {
            Netfence.ok("detach", "--cgroup", cgroup);
        }
    }

    /**
     * The host's namespaces, named as this test's own process holds them (PID 1's are out of reach
     * even for root on some hosts, and not the test's to touch): entering them is what setns into
     * PID 1's would achieve. Inside a run the path names nothing it can see, and setns needs a
     * capability the command does not have.
     */
    @Test
    void enteringTheHostsNamespaces() throws IOException {
        String self = "/proc/" + ProcessHandle.current().pid() + "/ns/";
        for (String kind : List.of("net", "cgroup")) {
            String inode = Long.toString((Long) Files.getAttribute(Path.of(self + kind), "unix:ino"));
            List<String> control = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace));
            control.addAll(Probe.command("setns", self + kind, inode));
            assertEquals("entered host", Processes.run(control).stdout().strip(), "control: root enters the host's " + kind + " namespace");
            for (Runner confined : List.of(RUN_AS_ROOT, RUN_AS_USER)) {
                assertTrue(line(confined, "setns", self + kind, inode).startsWith("error "), kind);
                assertTrue(refused(line(confined, "setns", "/proc/1/ns/" + kind, inode)), "the run's own init's " + kind);
            }
        }
    }

    @Test
    void tracingOrSignallingAProcessOutside() throws Exception {
        for (String user : List.of(NOBODY, USER)) {
            // a process of the very user the command runs as, outside the run
            Process target = new ProcessBuilder("setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups", "sleep", "30").start();
            try {
                Processes.sleep(100);
                String pid = Long.toString(target.pid());
                List<String> asUser = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups"));
                asUser.addAll(Probe.command("ptrace", pid));
                assertEquals("attached", Processes.run(asUser).stdout().strip(), "control: the same user traces it");
                Runner confined = user.equals(NOBODY) ? RUN_AS_ROOT : RUN_AS_USER;
                assertEquals("error ESRCH", line(confined, "ptrace", pid), "as " + user);
                assertEquals("error ESRCH", line(confined, "signal", pid), "as " + user);
            } finally {
                target.destroyForcibly();
                target.waitFor();
            }
        }
    }

    @Test
    void noNetworkKeepsTheHostsLoopbackServicesOut() throws Exception {
        int port = 18000 + (int) (ProcessHandle.current().pid() % 1000);
        Process server = new ProcessBuilder(Probe.command("listen", "" + port, "20")).start();
        try {
            Processes.sleep(300);
            assertEquals("ok", line(UNCONFINED, "tcp", "127.0.0.1", "" + port), "control: the host's service answers");

            assertEquals("error ECONNREFUSED", line(run("--no-network"), "tcp", "127.0.0.1", "" + port),
                    "a network of its own: the host's loopback is not there");
            assertEquals("error EPERM", line(run("--no-network", "--allow", host.peerV4 + ":" + TCP_PORT + "/tcp"),
                    "tcp", "127.0.0.1", "" + port), "with the host's network kept, its loopback is denied");
            assertEquals("ok", line(run("--no-network", "--allow", "127.0.0.1:" + port + "/tcp"), "tcp", "127.0.0.1", "" + port),
                    "an explicit rule reaches it");

            String cgroup = cgroups.create("own-loopback");
            Netfence.ok("attach", "--cgroup", cgroup, "--deny", "any", "--allow", "own-loopback");
            try {
                assertEquals("error EPERM", cgroups.run(cgroup, Probe.command("tcp", "127.0.0.1", "" + port)).stdout().strip(),
                        "own-loopback in an attached policy");
                assertEquals(insideAnswers(), cgroups.run(cgroup, insideServerAndClient(port + 1)).stdoutLines());
            } finally {
                Netfence.ok("detach", "--cgroup", cgroup);
            }
        } finally {
            server.destroyForcibly();
            server.waitFor();
        }
    }

    @Test
    void underNoNetworkTheCommandsOwnProcessesStillTalk() {
        int port = 19000 + (int) (ProcessHandle.current().pid() % 1000);
        assertEquals(insideAnswers(), run("--no-network").run(insideServerAndClient(port)).stdoutLines(), "in a network of its own");
        assertEquals(insideAnswers(), run("--no-network", "--allow", host.peerV4 + ":" + TCP_PORT + "/tcp")
                .run(insideServerAndClient(port)).stdoutLines(), "in the host's network, by own-loopback");
    }

    /** A TCP and a UDP server and a client, all in one confinement: v4 and v6 over loopback. */
    private static List<String> insideServerAndClient(int port) {
        String probe = String.join(" ", Probe.command());
        return List.of("/bin/sh", "-c", probe + " listen " + port + " 3 >/dev/null & " + probe + " udpecho " + port + " 3 >/dev/null & "
                + "sleep 0.5; " + probe + " tcp 127.0.0.1 " + port + " + tcp ::1 " + port + " + udp 127.0.0.1 " + port + " x + udp ::1 "
                + port + " y; wait");
    }

    private static List<String> insideAnswers() {
        return List.of("ok", "ok", "sent reply", "sent reply");
    }

    /** Refused by the kernel: no capability (EPERM) or no permission on the device or file (EACCES). */
    private static boolean refused(String answer) {
        return answer.equals("error EPERM") || answer.equals("error EACCES");
    }

    private static String[] chainProbe(int headers, String text) {
        return new String[] {"udp6chain", host.hostV6, host.peerV6, "" + UDP_PORT, "" + headers, text};
    }

    @Test
    void aLongIpv6ExtensionChainDoesNotHideADeniedPort() {
        Result unconfined = Processes.run(Probe.command(chainProbe(LONG_CHAIN, "chain-unconfined")));
        assertEquals("sent", unconfined.stdout().strip(), unconfined.toString());
        assertTrue(host.waitForLog("chain-unconfined", Duration.ofSeconds(3)),
                "control: the test host takes a UDP datagram behind " + LONG_CHAIN + " extension headers");

        // raw sockets need CAP_NET_RAW, which nothing under 'run' has: a root service confined by attach does
        String cgroup = cgroups.create("raw");
        Netfence.ok("attach", "--cgroup", cgroup, "--deny", "[" + host.peerV6 + "]:" + UDP_PORT + "/udp");
        Result shortChain = cgroups.run(cgroup, Probe.command(chainProbe(1, "chain-short")));
        Result longChain = cgroups.run(cgroup, Probe.command(chainProbe(LONG_CHAIN, "chain-long")));
        Netfence.ok("detach", "--cgroup", cgroup);

        Processes.sleep(500);
        assertFalse(host.log().stream().anyMatch(l -> l.contains("chain-short")), "a walkable chain is judged by its port: " + shortChain);
        assertFalse(host.log().stream().anyMatch(l -> l.contains("chain-long")),
                "a chain longer than the walk must be refused, not judged as 'protocol 60, no port': " + longChain);
    }

    private static long cgroupId(String cgroup) {
        try {
            return (Long) Files.getAttribute(cgroups.directory(cgroup), "unix:ino");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
