#!/usr/bin/env python3
"""netfence benchmarks: netfence side by side with the alternatives, on the same traffic, in one run.

Run as root from the repository: bench/run.py [--quick] [--out DIR]
  full: 3 repetitions of 3 s per measurement, every configuration (about 12 minutes)
  quick: 1 repetition of 1 s, fewer sizes (under 3 minutes)

Traffic goes from a process in a bench-owned cgroup to a test host in a network namespace of its
own over veth (198.18.250.1 -> .2), or to loopback. Every loop is bounded in time; every rule,
program, cgroup and namespace it creates is removed on exit. Writes results.md and results.csv.
"""
import argparse
import csv
import ipaddress
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / "agent/target/netfence.jar"
# the CLI as people start it: the launcher's JVM flags and its start-up cache (docs/benchmarks.md, "Start-up")
JAVA = [str(ROOT / "bin/netfence")]
# the agent as bin/netfence and the unit start it: memory bounded by configuration
AGENT = [str(ROOT / "bin/netfence"), "agent"]
PID = os.getpid()
NS = f"nfb-{PID}"
HOST_IF, PEER_IF = f"nfbh{PID % 100000}", f"nfbp{PID % 100000}"
HOST_IP, PEER_IP = "198.18.250.1", "198.18.250.2"
ECHO_PORT, IPERF_PORT = 7000, 5201
WORK = Path(tempfile.mkdtemp(prefix="nfb-"))
cleanups = []


def sh(*args, check=True, capture=True, timeout=600, **kw):
    r = subprocess.run(list(args), capture_output=capture, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({r.returncode}): {r.stderr.strip()}")
    return r


def cgroup2():
    for line in open("/proc/self/mountinfo"):
        f = line.split()
        if f[f.index("-") + 1] == "cgroup2":
            return Path(f[4])
    sys.exit("bench: no cgroup2 mount")


CG2 = cgroup2()
CG_REL = f"/nfb-{PID}/client"
CG = CG2 / CG_REL[1:]


def in_cgroup(*command):
    """A command whose process lives in the bench cgroup from before it executes."""
    return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(CG / "cgroup.procs"), *command]


def setup_host():
    sh("ip", "netns", "add", NS)
    cleanups.append(lambda: sh("ip", "netns", "del", NS, check=False))
    sh("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", PEER_IF)
    cleanups.append(lambda: sh("ip", "link", "del", HOST_IF, check=False))
    sh("ip", "link", "set", PEER_IF, "netns", NS)
    sh("ip", "addr", "add", HOST_IP + "/24", "dev", HOST_IF)
    sh("ip", "link", "set", HOST_IF, "up")
    for cmd in (["ip", "link", "set", "lo", "up"], ["ip", "addr", "add", PEER_IP + "/24", "dev", PEER_IF],
                ["ip", "link", "set", PEER_IF, "up"]):
        sh("ip", "netns", "exec", NS, *cmd)
    server = subprocess.Popen(["ip", "netns", "exec", NS, str(WORK / "netload"), "server", str(ECHO_PORT)],
                              stdout=subprocess.PIPE, text=True)
    cleanups.append(lambda: (server.kill(), server.wait()))
    assert server.stdout.readline().strip() == "ready"
    iperf = subprocess.Popen(["ip", "netns", "exec", NS, "iperf3", "-s", "-p", str(IPERF_PORT)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cleanups.append(lambda: (iperf.kill(), iperf.wait()))
    # every name under bench.test is the test host, answered by dnsmasq itself (no cache, no upstream)
    dns = subprocess.Popen(["ip", "netns", "exec", NS, "dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
                            "--bind-interfaces", f"--listen-address={PEER_IP}", "--except-interface=lo", "--pid-file=",
                            f"--address=/bench.test/{PEER_IP}", "--local-ttl=3600", "--cache-size=0", "--user=root"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cleanups.append(lambda: (dns.kill(), dns.wait()))
    time.sleep(0.5)


def setup_cgroup():
    CG.mkdir(parents=True)

    def remove():
        # every cgroup below the bench's own, deepest first (the agent's unprivileged runs live there too)
        below = sorted((p for p in CG.parent.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True)
        for d in below + [CG.parent]:
            for _ in range(200):
                pids = (d / "cgroup.procs").read_text().split() if d.exists() else []
                for p in pids:
                    os.kill(int(p), signal.SIGKILL)
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)
    cleanups.append(remove)


BENCH_PACKAGES = ["iperf3", "iptables", "nftables", "firejail", "bpftool", "gcc", "clang", "dnsmasq-base"]


def install_packages():
    """The alternatives measured against netfence are the bench's own dependencies, not netfence's."""
    missing = [p for p in BENCH_PACKAGES
               if "install ok installed" not in sh("dpkg-query", "-W", "-f=${Status}", p, check=False).stdout]
    if missing:
        print(f"bench: installing {' '.join(missing)}", flush=True)
        sh("apt-get", "update", "-qq", timeout=600)
        sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, timeout=900,
           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def build_helpers():
    sh("gcc", "-O2", "-Wall", "-o", str(WORK / "netload"), str(ROOT / "bench/netload.c"), "-lpthread")
    arch = sh("gcc", "-dumpmachine").stdout.strip()
    sh("clang", "-O2", "-g", "-target", "bpf", f"-I/usr/include/{arch}", "-c", str(ROOT / "bench/allow_all.bpf.c"),
       "-o", str(WORK / "allow_all.o"))
    if not JAR.exists():
        sh("mvn", "-B", "-q", "package", "-DskipTests", cwd=ROOT, timeout=900)


# ---- measurements: each returns one number, higher is better ----

def tcp_bulk(seconds):
    r = sh(*in_cgroup("iperf3", "-c", PEER_IP, "-p", str(IPERF_PORT), "-t", str(seconds), "-J"), timeout=seconds + 30)
    return json.loads(r.stdout)["end"]["sum_received"]["bits_per_second"] / 1e9


def netload(mode, seconds):
    r = sh(*in_cgroup(str(WORK / "netload"), mode, PEER_IP, str(ECHO_PORT), str(seconds)), timeout=seconds + 30)
    return float(r.stdout.split()[0])


MEASURES = {
    "tcp_bulk_gbps": tcp_bulk,
    "tcp_rr_per_s": lambda s: netload("tcp_rr", s),
    "udp_rr_per_s": lambda s: netload("udp_rr", s),
    "connect_per_s": lambda s: netload("crr", s),
}


# ---- configurations: setup returns a teardown; control-plane timings go to `timings` ----

def deny_prefixes(n):
    """n prefixes that never match the test host: /32s in 198.19.0.0/16, then /128s in fd00:ffff::/32."""
    out = []
    for i in range(1, min(n, 65535) + 1):
        out.append(f"198.19.{i >> 8}.{i & 255}")
    base = int(ipaddress.IPv6Address("fd00:ffff::"))
    for i in range(n - len(out)):
        out.append(str(ipaddress.IPv6Address(base + i)))
    return out


def netfence_attach(rules, timings, label):
    f = WORK / "rules.txt"
    f.write_text("".join(f"{verdict} {rule}\n" for verdict, rule in rules))
    start = time.monotonic()
    r = sh(*JAVA, "attach", "--cgroup", CG_REL, "--rules-file", str(f), timeout=900)
    wall = time.monotonic() - start
    inner = float(re.search(r" in (\d+) ms", r.stdout).group(1))
    timings[label] = (inner, wall * 1000)
    return lambda: sh(*JAVA, "detach", "--cgroup", CG_REL)


def netfence_allowed(n):
    return lambda timings: netfence_attach([("deny", p) for p in deny_prefixes(n)], timings, f"netfence apply {n} prefixes")


def netfence_deny_default(timings):
    return netfence_attach([("deny", "any"), ("allow", PEER_IP)], timings, "netfence apply deny-by-default")


def trivial_program(timings):
    pins = Path(f"/sys/fs/bpf/nfb-{PID}")
    sh("bpftool", "prog", "loadall", str(WORK / "allow_all.o"), str(pins))
    for direction, prog in (("egress", "bench_egress"), ("ingress", "bench_ingress")):
        sh("bpftool", "cgroup", "attach", str(CG), direction, "pinned", str(pins / prog), "multi")

    def teardown():
        for direction, prog in (("egress", "bench_egress"), ("ingress", "bench_ingress")):
            sh("bpftool", "cgroup", "detach", str(CG), direction, "pinned", str(pins / prog), check=False)
        sh("rm", "-rf", str(pins))
    return teardown


def iptables_rules(n):
    def setup(timings):
        if "table ip filter" not in sh("nft", "list", "tables").stdout:
            # iptables-nft creates it implicitly; take it away again so the run leaves no trace
            cleanups.append(lambda: sh("nft", "delete", "table", "ip", "filter", check=False))
        chain = f"NFB{PID % 100000}"
        lines = ["*filter", f":{chain} - [0:0]"]
        lines += [f"-A {chain} -m cgroup --path {CG_REL[1:]} -d {p} -j DROP" for p in deny_prefixes(n)[:n]]
        lines.append("COMMIT")
        start = time.monotonic()
        sh("iptables-restore", "--noflush", input="\n".join(lines) + "\n", timeout=900)
        timings[f"iptables-restore {n} rules"] = ((time.monotonic() - start) * 1000, None)
        sh("iptables", "-I", "OUTPUT", "1", "-j", chain)

        def teardown():
            sh("iptables", "-D", "OUTPUT", "-j", chain, check=False)
            sh("iptables", "-F", chain, check=False)
            sh("iptables", "-X", chain, check=False)
        return teardown
    return setup


def nft_set(n):
    def setup(timings):
        table = f"nfb{PID}"
        elements = ", ".join(p for p in deny_prefixes(n) if ":" not in p)
        elements6 = ", ".join(p for p in deny_prefixes(n) if ":" in p) or "fd00:ffff::"
        level = CG_REL.count("/")
        # nft finds the cgroup by stat()ing its path under /sys/fs/cgroup, whatever the mount
        path = os.path.relpath(CG, "/sys/fs/cgroup")
        ruleset = (f"table inet {table} {{\n"
                   f"  set deny4 {{ type ipv4_addr; flags interval; elements = {{ {elements} }} }}\n"
                   f"  set deny6 {{ type ipv6_addr; flags interval; elements = {{ {elements6} }} }}\n"
                   f"  chain out {{ type filter hook output priority 0;\n"
                   f"    socket cgroupv2 level {level} \"{path}\" ip daddr @deny4 drop\n"
                   f"    socket cgroupv2 level {level} \"{path}\" ip6 daddr @deny6 drop\n  }}\n}}\n")
        f = WORK / "nft.conf"
        f.write_text(ruleset)
        start = time.monotonic()
        sh("nft", "-f", str(f), timeout=900)
        timings[f"nft -f set of {n} prefixes"] = ((time.monotonic() - start) * 1000, None)
        return lambda: sh("nft", "delete", "table", "inet", table, check=False)
    return setup


class BenchAgent:
    """An agent with the given policy (YAML text) and extra config, as bin/netfence starts it."""

    def __init__(self, name, policy, extra_config=""):
        self.home = WORK / f"agent-{name}"
        (self.home / "policies").mkdir(parents=True)
        (self.home / "netfence.yaml").write_text("policies_dir: policies\napi_policies_dir: api\nsocket: agent.sock\n"
                                                 "metrics_listen: \"\"\n" + extra_config)
        (self.home / "policies/bench.yaml").write_text(policy)
        self.process = subprocess.Popen(AGENT + ["-c", str(self.home / "netfence.yaml")], stderr=subprocess.DEVNULL)

    def wait_enforced(self, directory, seconds=30):
        link = PINS / "cgroups" / str(os.stat(directory).st_ino) / "nf_skb_ingress"
        deadline = time.monotonic() + seconds
        while not (link.exists() and (self.home / "agent.sock").exists()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"the bench agent did not confine {directory}")
            time.sleep(0.05)

    def rss_mib(self):
        return int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{self.process.pid}/status").read_text()).group(1)) / 1024

    def stop(self, detach=None):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        if detach:
            sh(*JAVA, "detach", "--cgroup", detach, check=False)  # the agent leaves its policies in force


def dnsload(count, prefix, confined=True):
    command = [sys.executable, str(ROOT / "bench/dnsload.py"), PEER_IP, str(count), prefix]
    r = sh(*(in_cgroup(*command) if confined else command), timeout=600)
    p50, p99, qps, failures = r.stdout.split()
    return float(p50), float(p99), float(qps), int(failures)


def agent_policy(name, rules, extra_config="", lookup_first=False):
    """A packet-path configuration: an agent policy on the bench cgroup (egress rules, YAML list items)."""
    def setup(timings):
        policy = f"policies:\n  - name: {name}\n    target: {CG_REL}\n    egress:\n" + "".join(f"      - \"{r}\"\n" for r in rules)
        agent = BenchAgent(name, policy, extra_config)
        try:
            agent.wait_enforced(CG)
            if lookup_first:  # the test host's address is then a learned one, the path of name rules' traffic
                dnsload(1, "peer")
        except Exception:
            agent.stop(detach=CG_REL)
            raise
        return lambda: agent.stop(detach=CG_REL)
    return setup


def configurations(quick):
    sizes = [10, 100_000, 1_000_000] if quick else [10, 10_000, 100_000, 1_000_000]
    configs = [("unfiltered", lambda t: (lambda: None)), ("trivial cgroup_skb program", trivial_program)]
    configs += [(f"netfence {n} prefixes", netfence_allowed(n)) for n in sizes]
    configs.append(("netfence deny-by-default", netfence_deny_default))
    configs.append(("netfence deny-by-default, agent, name rules (learned address)",
                    agent_policy("names", ["deny any", "allow *.bench.test"], lookup_first=True)))
    configs.append(("netfence deny-by-default, agent, flow history recording",
                    agent_policy("history", ["deny any", f"allow {PEER_IP}"], "flow_history:\n  enabled: true\n")))
    configs += [(f"iptables {n} rules", iptables_rules(n)) for n in ([10, 10_000] if quick else [10, 1_000, 10_000])]
    configs += [(f"nft set {n} prefixes", nft_set(n)) for n in ([100_000] if quick else [10_000, 100_000])]
    return configs


# ---- control plane beyond apply times ----

def wall_ms(command, runs):
    times = []
    for _ in range(runs):
        start = time.monotonic()
        sh(*command, timeout=60)
        times.append((time.monotonic() - start) * 1000)
    return statistics.median(times)


def run_startup(runs):
    rules = WORK / "ten.rules"
    rules.write_text("".join(f"allow 198.18.{i}.0/24:443/tcp\n" for i in range(10)))
    out = {"netfence --version": wall_ms(JAVA + ["--version"], runs),
           "netfence --help": wall_ms(JAVA + ["--help"], runs),
           "netfence policy check, 10 rules": wall_ms(JAVA + ["policy", "check", str(rules)], runs),
           "java -version, the JVM alone with the CLI's flags": wall_ms(
               ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-version"], runs),
           "netfence run --no-network -- true": wall_ms(JAVA + ["run", "--cgroup-parent", f"/nfb-{PID}", "--no-network", "--", "true"], runs),
           "unshare -rn true": wall_ms(["unshare", "-rn", "true"], runs)}
    try:
        out["firejail --noprofile --net=none true"] = wall_ms(["firejail", "--quiet", "--noprofile", "--net=none", "true"], runs)
    except (RuntimeError, FileNotFoundError) as e:
        out["firejail --noprofile --net=none true"] = f"failed: {e}"
    return out


def abi_version():
    return re.search(r"BPF ABI v(\d+)", sh(*JAVA, "--version").stdout).group(1)


PINS = Path("/sys/fs/bpf/netfence") / f"v{abi_version()}" if JAR.exists() else None


def agent_figures(cgroups_count, flood_seconds):
    """Starts an agent: creation-to-enforcement latency, RSS idle and with many cgroups, the event path."""
    home = WORK / "agent"
    (home / "policies").mkdir(parents=True)
    port = 19400 + PID % 500
    (home / "netfence.yaml").write_text(f"policies_dir: policies\napi_policies_dir: api\nsocket: agent.sock\n"
                                        f"metrics_listen: \"127.0.0.1:{port}\"\n"
                                        f"unprivileged_run:\n  allow: everyone\n  socket: runs.sock\n  cgroup: /nfb-{PID}/runs\n")
    os.chmod(WORK, 0o711)  # users reach the run socket
    os.chmod(home, 0o711)
    (home / "policies/bench.yaml").write_text(f"policies:\n  - name: bench\n    target: /nfb-{PID}/svc-*\n"
                                              f"    egress: [deny 127.0.0.2]\n    ingress: [deny 127.0.0.4]\n")
    agent = subprocess.Popen(AGENT + ["-c", str(home / "netfence.yaml")], stderr=subprocess.DEVNULL)
    created = []
    try:
        for _ in range(300):
            if (home / "agent.sock").exists():
                break
            time.sleep(0.1)
        time.sleep(1)
        rss = lambda: int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{agent.pid}/status").read_text()).group(1)) / 1024
        figures = {"agent RSS idle (MiB)": rss()}
        # a user without root: the same run through the agent's run socket, as nobody
        figures["netfence run --no-network -- true, unprivileged via the agent (ms)"] = wall_ms(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + JAVA
            + ["run", "--run-socket", str(home / "runs.sock"), "--no-network", "--", "true"], 10)
        figures["netfence run --no-network -- true, root via the agent (ms)"] = wall_ms(
            JAVA + ["run", "--run-socket", str(home / "runs.sock"), "--no-network", "--", "true"], 10)
        latencies = []
        for i in range(cgroups_count):
            d = CG.parent / f"svc-{i}"
            start = time.monotonic()
            d.mkdir()
            created.append(d)
            link = PINS / "cgroups" / str(os.stat(d).st_ino) / "nf_skb_ingress"
            while not link.exists():
                if time.monotonic() - start > 10:
                    raise RuntimeError(f"svc-{i} not enforced in 10 s")
                time.sleep(0.0001)  # a spinning waiter would take one of the two cores from the agent it measures
            latencies.append((time.monotonic() - start) * 1000)
        latencies.sort()
        figures[f"cgroup -> enforced, median over {cgroups_count} (ms)"] = latencies[len(latencies) // 2]
        figures[f"cgroup -> enforced, p99 over {cgroups_count} (ms)"] = latencies[int(len(latencies) * 0.99) - 1]
        time.sleep(1)
        figures[f"agent RSS with {cgroups_count} policed cgroups (MiB)"] = rss()
        figures[f"agent CPU idle with {cgroups_count} policed cgroups (% of a core, over 30 s)"] = cpu_percent(agent.pid, 30)
        median, p99 = policy_change_ms(home / "agent.sock", f"/nfb-{PID}/svc-0", 100)
        figures["10-rule policy change, API call to enforced, median (ms)"] = median
        figures["10-rule policy change, API call to enforced, p99 (ms)"] = p99
        # the event path: a flood of denied connects to new ports (new flows: the rate limit lets them through)
        flood = sh("/bin/sh", "-c", f'echo $$ > "{created[0]}/cgroup.procs" && exec "{WORK}/netload" deny_flood 127.0.0.2 {flood_seconds}',
                   timeout=flood_seconds + 30).stdout.split()
        time.sleep(1)
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
        value = lambda name: float(re.search("^" + re.escape(name) + r" (\S+)$", metrics, re.M).group(1))
        figures["denied connects/s, one flooding process"] = float(flood[0])
        counted_one = value('netfence_denials_total{hook="connect",mode="enforce",policy="bench"}')
        figures["denials counted in the kernel during the flood"] = counted_one
        figures["denials the flood made"] = float(flood[2])
        # both cores: two flooding processes in two policed cgroups
        floods = [subprocess.Popen(["/bin/sh", "-c", f'echo $$ > "{created[i]}/cgroup.procs" && exec "{WORK}/netload" deny_flood 127.0.0.2 {flood_seconds}'],
                                   stdout=subprocess.PIPE, text=True) for i in (1, 2)]
        results = [f.communicate(timeout=flood_seconds + 30)[0].split() for f in floods]
        time.sleep(1)
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
        figures["denied connects/s, two flooding processes"] = sum(float(r[0]) for r in results)
        figures["denials counted during the two floods"] = value('netfence_denials_total{hook="connect",mode="enforce",policy="bench"}') - counted_one
        figures["denials the two floods made"] = sum(float(r[2]) for r in results)
        # packet denials: two unconfined senders flood two policed UDP sockets, whose ingress policy drops it all
        before = value('netfence_denials_total{hook="ingress",mode="enforce",policy="bench"}')
        sinks = [subprocess.Popen(["/bin/sh", "-c", f'echo $$ > "{created[i]}/cgroup.procs" && exec "{WORK}/netload" sink 127.0.0.3 {9000 + i} {flood_seconds + 5}'],
                                  stdout=subprocess.PIPE, text=True) for i in (3, 4)]
        for sink in sinks:
            assert sink.stdout.readline().strip() == "ready"
        senders = [subprocess.Popen([str(WORK / "netload"), "udp_flood", "127.0.0.4", "127.0.0.3", str(9000 + i), str(flood_seconds)],
                                    stdout=subprocess.PIPE, text=True) for i in (3, 4)]
        sent = [p.communicate(timeout=flood_seconds + 30)[0].split() for p in senders]
        for sink in sinks:
            sink.kill()
            sink.wait()
        time.sleep(1)
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
        figures["datagrams/s denied at ingress, two senders"] = sum(float(r[0]) for r in sent)
        figures["datagrams the two senders sent"] = sum(float(r[1]) for r in sent)
        figures["ingress denials counted during the datagram floods"] = value('netfence_denials_total{hook="ingress",mode="enforce",policy="bench"}') - before
        for outcome in ("sent", "suppressed", "lost"):
            figures[f"events {outcome}"] = value(f'netfence_events_total{{outcome="{outcome}"}}')
        figures["events received by the Java consumer"] = value("netfence_events_received_total")
        return figures
    finally:
        agent.send_signal(signal.SIGTERM)
        agent.wait(timeout=30)
        for d in reversed(created):
            for _ in range(200):
                try:
                    d.rmdir()
                    break
                except OSError:
                    time.sleep(0.01)
        # a state-changing command collects what removed cgroups left pinned
        sh(*JAVA, "run", "--cgroup-parent", f"/nfb-{PID}", "--no-network", "--", "true", check=False)


def cpu_percent(pid, seconds):
    """The process's CPU time over `seconds` (every thread's, from schedstat: exact, unlike tick counts), in % of one core."""
    def used():
        total = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass  # a thread that ended meanwhile
        return total
    before = used()
    time.sleep(seconds)
    return (used() - before) / (seconds * 1e9) * 100


def api_call(sock, method, path, body=""):
    """One HTTP/1.1 request to the agent's control socket, no JVM in the measured path: the status."""
    data = body.encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(str(sock))
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: netfence\r\nContent-Type: application/yaml\r\n"
                  f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def policy_change_ms(sock, target, changes):
    """A 10-rule policy on a live cgroup, changed `changes` times: API call to answered (the agent answers once enforced)."""
    times = []
    for i in range(changes):
        rules = "".join(f"      - deny 198.19.{i % 200}.{k}\n" for k in range(10))
        body = f"policies:\n  - name: change\n    target: {target}\n    egress:\n{rules}"
        start = time.monotonic()
        status = api_call(sock, "POST", "/v1/policies", body)
        times.append((time.monotonic() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"the agent answered {status} to a policy change")
    api_call(sock, "DELETE", "/v1/policies/change")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def learn_figures(seconds):
    """The flow recorder: a learn run of a process that opens a new flow per connect; flows kept vs made."""
    out = WORK / "learned.rules"
    start = time.monotonic()
    r = sh(*JAVA, "run", "--cgroup-parent", f"/nfb-{PID}", "--learn", "--out", str(out), "--",
           str(WORK / "netload"), "deny_flood", PEER_IP, str(seconds), timeout=120)
    made = int(r.stdout.split()[1])  # each to a new port of the test host: a new flow each
    kept = sum(1 for line in out.read_text().splitlines() if line.startswith(f"allow {PEER_IP}:"))
    return {"flows made by the learned command": made, "flows in its learned rules": kept,
            "flows/s recorded (kept / command's seconds)": kept / seconds,
            "netfence run --learn, whole command (ms)": (time.monotonic() - start) * 1000}


def parallel_dnsload(processes, count, prefix):
    """`processes` dnsload clients at once from the bench cgroup: summed lookups/s, failures."""
    command = lambda i: in_cgroup(sys.executable, str(ROOT / "bench/dnsload.py"), PEER_IP, str(count), f"{prefix}{i}")
    running = [subprocess.Popen(command(i), stdout=subprocess.PIPE, text=True) for i in range(processes)]
    outputs = [p.communicate(timeout=900)[0].split() for p in running]
    return sum(float(o[2]) for o in outputs), sum(int(o[3]) for o in outputs)


def dns_figures(quick):
    """Lookups through an agent policy's DNS proxy against asking the same resolver directly."""
    count = 500 if quick else 3000
    figures = {}
    p50, p99, qps, failed = dnsload(count, "direct")
    figures.update({"DNS lookup direct, p50 (us)": p50, "DNS lookup direct, p99 (us)": p99,
                    "DNS lookups/s direct, one client": qps})
    figures["DNS lookups/s direct, two clients"] = parallel_dnsload(2, count, "direct-par")[0]
    policy = f"policies:\n  - name: names\n    target: {CG_REL}\n    egress: [\"deny any\", \"allow *.bench.test\"]\n"
    agent = BenchAgent("dns", policy)
    try:
        agent.wait_enforced(CG)
        dnsload(50, "warm")
        p50, p99, qps, failed = dnsload(count, "proxied")
        figures.update({"DNS lookup through the agent's proxy, p50 (us)": p50,
                        "DNS lookup through the agent's proxy, p99 (us)": p99,
                        "DNS lookups/s through the proxy, one client": qps,
                        "DNS lookups failed through the proxy": failed})
        figures["DNS lookups/s through the proxy, two clients"] = parallel_dnsload(2, count, "proxied-par")[0]
        names = 10_000 if quick else 100_000
        before = agent.rss_mib()
        _, failed = parallel_dnsload(4, names // 4, "many")
        time.sleep(3)  # a maintenance round: expiry and journal compaction
        figures["agent RSS before the names (MiB)"] = before
        figures[f"agent RSS with {names} learned names (MiB)"] = agent.rss_mib()
        figures[f"lookups failed of {names}"] = failed
        journal = Path("/run/netfence/names.json")
        if journal.exists():
            figures[f"names journal with {names} names (KiB)"] = journal.stat().st_size / 1024
    finally:
        agent.stop(detach=CG_REL)
    return figures


def jmh(quick):
    """The Java hot paths (bench/jmh): map key encoding, event decoding, rule parsing and compilation."""
    jar = ROOT / "bench/jmh/target/benchmarks.jar"
    if not jar.exists():
        sh("mvn", "-B", "-q", "package", "-DskipTests", "-pl", "bench/jmh", "-am", cwd=ROOT, timeout=900)
    out = WORK / "jmh.csv"
    iterations = ["-wi", "1", "-i", "2", "-w", "1s", "-r", "1s"] if quick else ["-wi", "2", "-i", "3", "-w", "2s", "-r", "2s"]
    sh("java", "-jar", str(jar), "-f", "1", *iterations, "-rf", "csv", "-rff", str(out), timeout=900)
    rows = list(csv.reader(open(out)))[1:]
    return {r[0].rsplit(".", 1)[1]: f"{float(r[4]):,.1f} {r[6]}" for r in rows}


# ---- report ----

def summarize(values):
    return statistics.median(values), min(values), max(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1 repetition of 1 s, fewer sizes (under 3 minutes)")
    parser.add_argument("--out", default=str(ROOT / "bench/results"), help="where results.md and results.csv go")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench: run as root (it loads BPF, creates cgroups and a network namespace)")
    reps, seconds = (1, 1) if args.quick else (3, 3)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    started = time.monotonic()
    rows, timings = [], {}
    try:
        install_packages()
        build_helpers()
        setup_cgroup()
        setup_host()
        for name, setup in configurations(args.quick):
            teardown = setup(timings)
            try:
                result = {m: summarize([f(seconds) for _ in range(reps)]) for m, f in MEASURES.items()}
            finally:
                teardown()
            rows.append((name, result))
            print(f"bench: {name}: " + ", ".join(f"{m} {v[0]:.3g}" for m, v in result.items()), flush=True)
        timings_extra = run_startup(3 if args.quick else 10)
        agent = agent_figures(50 if args.quick else 10_000, 2 if args.quick else 5)
        agent.update(dns_figures(args.quick))
        agent.update(learn_figures(0.3))
        java_paths = jmh(args.quick)
    finally:
        for cleanup in reversed(cleanups):
            try:
                cleanup()
            except Exception as e:  # keep cleaning up
                print(f"bench: cleanup: {e}", file=sys.stderr)
        sh("rm", "-rf", str(WORK), check=False)
    write_report(Path(args.out), rows, timings, timings_extra, agent, java_paths, args.quick, reps, seconds,
                 time.monotonic() - started)


def write_report(out, rows, timings, startup, agent, java_paths, quick, reps, seconds, elapsed):
    out.mkdir(parents=True, exist_ok=True)
    base = rows[0][1]
    trivial = rows[1][1]
    lines = [f"# netfence benchmark ({'quick' if quick else 'full'} run)", "",
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; kernel {os.uname().release}; {os.cpu_count()} CPUs; "
             f"median of {reps} x {seconds} s (min-max); ratio to unfiltered (and to the trivial program); took {elapsed:.0f} s.", "",
             "| configuration | " + " | ".join(MEASURES) + " |", "|---|" + "---|" * len(MEASURES)]
    with open(out / "results.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["configuration", "measure", "median", "min", "max", "ratio_unfiltered", "ratio_trivial"])
        for name, result in rows:
            for m, (med, lo, hi) in result.items():
                w.writerow([name, m, med, lo, hi, round(med / base[m][0], 4), round(med / trivial[m][0], 4)])
    for name, result in rows:
        cells = [f"{v[0]:.3g} ({v[1]:.3g}-{v[2]:.3g}) **{v[0] / base[m][0]:.3f}x** ({v[0] / trivial[m][0]:.3f}x)"
                 for m, v in result.items()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Control plane", "", "| operation | time (ms) | whole command (ms) |", "|---|---|---|"]
    for k, (inner, wall) in timings.items():
        lines.append(f"| {k} | {inner:.0f} | {'' if wall is None else f'{wall:.0f}'} |")
    lines += ["", "| start-up (median wall time) | ms |", "|---|---|"]
    for k, v in startup.items():
        lines.append(f"| {k} | {v if isinstance(v, str) else f'{v:.0f}'} |")
    lines += ["", "## Agent and event path", "", "| figure | value |", "|---|---|"]
    for k, v in agent.items():
        lines.append(f"| {k} | {v:.4g} |")
    lines += ["", "## Java hot paths (JMH)", "", "| benchmark | score |", "|---|---|"]
    for k, v in java_paths.items():
        lines.append(f"| {k} | {v} |")
    text = "\n".join(lines) + "\n"
    (out / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
