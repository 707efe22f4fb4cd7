package io.netfence.bench;

import io.netfence.agent.cli.RuleOptions;
import io.netfence.agent.datapath.CompiledRuleset;
import io.netfence.agent.datapath.PolicyCompiler;
import io.netfence.agent.datapath.PrefixEntries;
import io.netfence.agent.datapath.abi.HostKey;
import io.netfence.agent.datapath.abi.PortListValue;
import io.netfence.agent.datapath.abi.RuleKey;
import io.netfence.agent.datapath.abi.RuleValue;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.Policy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * What {@code netfence attach --rules-file} does before the kernel, on a large file: parse (the
 * file to a {@link Policy}, through the CLI's own options), compile (both directions), encode
 * (the nf_hosts and nf_rules keys and values in the batches the writer hands to the kernel, and
 * the port lists). Each run is a fresh JVM with the CLI's flags, because the CLI runs this once,
 * cold: interpreter, JIT and a heap grown from its initial size are part of the figure. Nothing
 * here touches the kernel.
 *
 * <p>Run: {@code java -cp bench/jmh/target/benchmarks.jar io.netfence.bench.ApplyMeasurement
 * [hosts|mixed|both [RULES [RUNS]]]} (defaults both, 1000000, 5). Prints, per kind and phase, the
 * median wall time with min-max, the process's CPU time (JIT and GC threads too), the bytes the
 * main thread allocated per rule and the GC time, then the live heap after each phase and the sum
 * of the heap pools' peaks (one more run, with a full GC after each phase). The phase "entries",
 * after the total, makes the encode phase's keys again through an object per entry.
 * JVM options for the runs go in {@code -Dbench.jvm="..."}. To profile one run: {@code --write
 * hosts|mixed RULES FILE}, then {@code java -XX:+UseSerialGC -XX:StartFlightRecording=... -cp ...
 * io.netfence.bench.ApplyMeasurement --once FILE}.
 */
public final class ApplyMeasurement {
    private static final int BATCH = 65536; // as RulesetStore writes nf_rules
    private static final List<String> PHASES = List.of("parse", "compile", "encode", "total", "entries");

    @Command(name = "attach")
    static final class AttachOptions {
        @Mixin
        RuleOptions rules;
    }

    private ApplyMeasurement() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--once")) { // the child; by hand, under a profiler
            once(Path.of(args[1]), args.length > 2 && args[2].equals("memory"));
            return;
        }
        if (args.length > 0 && args[0].equals("--write")) { // a file for --once
            LargeRulesFiles.write(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
            return;
        }
        String kinds = args.length > 0 ? args[0] : "both";
        int rules = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path directory = Files.createTempDirectory("nf-apply-");
        try {
            for (String kind : kinds.equals("both") ? List.of("hosts", "mixed") : List.of(kinds)) {
                Path file = LargeRulesFiles.write(kind, rules, directory.resolve(kind + ".rules"));
                measure(kind, rules, file, runs);
                Files.delete(file);
            }
        } finally {
            Files.deleteIfExists(directory);
        }
    }

    private static void measure(String kind, int rules, Path file, int runs) throws Exception {
        Map<String, List<double[]>> byPhase = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
            for (Map.Entry<String, double[]> e : child(file, "time").entrySet()) {
                byPhase.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        System.out.printf("apply %s %d rules (%s, %d bytes), %d fresh JVMs, load average %s: median (min-max) wall ms, "
                + "process CPU ms (all threads: JIT and GC too), bytes allocated per rule, GC ms%n",
                kind, rules, file.getFileName(), Files.size(file), runs, loadAverage());
        for (String phase : PHASES) {
            List<double[]> samples = byPhase.get(phase);
            double[] millis = samples.stream().mapToDouble(s -> s[0]).sorted().toArray();
            System.out.printf("  %-8s %6.0f (%.0f-%.0f) ms  CPU %5.0f ms  %5.0f B/rule  GC %4.0f ms%n", phase, median(millis),
                    millis[0], millis[millis.length - 1], median(samples.stream().mapToDouble(s -> s[4]).toArray()),
                    median(samples.stream().mapToDouble(s -> s[1] / rules).toArray()),
                    median(samples.stream().mapToDouble(s -> s[2]).toArray()));
        }
        Map<String, double[]> memory = child(file, "memory");
        System.out.printf("  live heap after parse %.0f MiB, after compile %.0f MiB, after encode %.0f MiB; heap pools' peak %.0f MiB%n",
                memory.get("parse")[3] / (1 << 20), memory.get("compile")[3] / (1 << 20), memory.get("encode")[3] / (1 << 20),
                memory.get("total")[3] / (1 << 20));
    }

    private static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        return Files.exists(loadavg) ? String.join(" ", Arrays.copyOf(Files.readString(loadavg).split(" "), 3)) : "unknown";
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** One fresh JVM with the CLI's flags (bin/netfence); its lines "phase millis allocated gcMillis heapBytes cpuMillis". */
    private static Map<String, double[]> child(Path file, String mode) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-Xshare:auto"));
        String extra = System.getProperty("bench.jvm", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ApplyMeasurement.class.getName(),
                "--once", file.toString(), mode));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, double[]> phases = new LinkedHashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] words = line.split(" ");
                if (words.length == 7 && words[0].equals("phase")) {
                    double[] figures = new double[5];
                    for (int i = 0; i < figures.length; i++) {
                        figures[i] = Double.parseDouble(words[i + 2]);
                    }
                    phases.put(words[1], figures);
                } else {
                    System.out.println("  child: " + line);
                }
            }
        }
        if (process.waitFor() != 0 || !phases.keySet().containsAll(PHASES)) {
            throw new IOException("measurement run failed (exit " + process.exitValue() + "): " + command);
        }
        return phases;
    }

    /** The child: the three phases once, as the CLI runs them. */
    private static void once(Path file, boolean memory) {
        AttachOptions options = new AttachOptions();
        new CommandLine(options).parseArgs("--rules-file", file.toString()); // the CLI's start, not the file's
        Phases phases = new Phases(memory);
        Policy policy = options.rules.toPolicy("attach", false);
        phases.end("parse");
        CompiledRuleset egress = PolicyCompiler.compile(policy.egress(), policy.egressNames());
        CompiledRuleset ingress = PolicyCompiler.compile(policy.ingress(), policy.ingressNames());
        phases.end("compile");
        long check = encode(egress, 1) + encode(ingress, 2);
        phases.end("encode");
        phases.total();
        check += encodeEntries(egress, 1) + encodeEntries(ingress, 2);
        phases.end("entries");
        if (check == 42) {
            System.out.println("(never)"); // keeps the encoded bytes observable
        }
    }

    /**
     * The writer's Java work from the columns: exact hosts apart for nf_hosts, the other prefixes
     * for nf_rules, each in the writer's batches, and the port lists (the prefix file aside).
     */
    private static long encode(CompiledRuleset ruleset, int id) {
        PrefixEntries entries = ruleset.entries();
        int hosts = entries.hostCount();
        long check = batches(hosts, HostKey.SIZE, (from, count, keys, values) -> entries.encodeHosts(id, from, count, keys, values))
                + batches(entries.size() - hosts, RuleKey.SIZE,
                        (from, count, keys, values) -> entries.encodePrefixes(id, from, count, keys, values));
        for (CompiledRuleset.PortList list : ruleset.portLists()) {
            check += PortListValue.encode(list.rules().stream()
                    .map(r -> new PortListValue.Rule(r.portFrom(), r.portTo(), r.protocolBits(), r.verdict())).toList())[0];
        }
        return check;
    }

    /** Writes keys and values of the next {@code count} entries of its kind from entry {@code from}; returns where the next batch starts. */
    private interface BatchEncoder {
        int encode(int from, int count, ByteBuffer keys, ByteBuffer values);
    }

    private static long batches(int total, int keySize, BatchEncoder encoder) {
        long check = 0;
        for (int written = 0, next = 0; written < total; ) {
            int count = Math.min(BATCH, total - written);
            ByteBuffer keys = ByteBuffer.allocate(count * keySize);
            ByteBuffer values = ByteBuffer.allocate(count * RuleValue.SIZE);
            next = encoder.encode(next, count, keys, values);
            written += count;
            check += keys.array()[keys.position() - 1] + values.array()[values.position() - 8];
        }
        return check;
    }

    /**
     * The same through an {@link CompiledRuleset.Entry} and its {@link IpPrefix} each, as
     * RulesetStore.write does them today (its stream filters, the prefix list for its file, a key
     * per entry): reported apart ("entries"), after the total.
     */
    private static long encodeEntries(CompiledRuleset ruleset, int id) {
        List<CompiledRuleset.Entry> hosts = ruleset.entries().stream().filter(e -> HostKey.isHost(e.prefix())).toList();
        List<CompiledRuleset.Entry> prefixes = ruleset.entries().stream().filter(e -> !HostKey.isHost(e.prefix())).toList();
        long check = ruleset.entries().stream().map(CompiledRuleset.Entry::prefix).toList().size();
        for (List<CompiledRuleset.Entry> entries : List.of(hosts, prefixes)) {
            boolean host = entries == hosts;
            for (int start = 0; start < entries.size(); start += BATCH) {
                int count = Math.min(BATCH, entries.size() - start);
                ByteBuffer keys = ByteBuffer.allocate(count * (host ? HostKey.SIZE : RuleKey.SIZE));
                ByteBuffer values = ByteBuffer.allocate(count * RuleValue.SIZE);
                for (CompiledRuleset.Entry entry : entries.subList(start, start + count)) {
                    if (host) {
                        HostKey.encode(keys, id, entry.prefix());
                    } else {
                        RuleKey.encode(keys, id, entry.prefix());
                    }
                    RuleValue.encode(values, entry.fallback(), entry.portList());
                }
                check += keys.array()[keys.position() - 1] + values.array()[values.position() - 8];
            }
        }
        return check;
    }

    /** Time, allocation and GC time per phase; in memory mode also the live heap after a full GC. */
    private static final class Phases {
        private final boolean memory;
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private final long startNanos = System.nanoTime();
        private final long startBytes = threads.getCurrentThreadAllocatedBytes();
        private final long startGc = gcMillis();
        private final long startCpu = cpuNanos();
        private long nanos = startNanos;
        private long bytes = startBytes;
        private long gc = startGc;
        private long cpu = startCpu;

        Phases(boolean memory) {
            this.memory = memory;
        }

        void end(String phase) {
            long nowNanos = System.nanoTime();
            long nowBytes = threads.getCurrentThreadAllocatedBytes();
            long nowGc = gcMillis();
            long nowCpu = cpuNanos();
            long live = 0;
            if (memory) {
                System.gc();
                live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            }
            print(phase, nowNanos - nanos, nowBytes - bytes, nowGc - gc, live, nowCpu - cpu);
            nanos = System.nanoTime();
            bytes = threads.getCurrentThreadAllocatedBytes();
            gc = gcMillis();
            cpu = cpuNanos();
        }

        void total() {
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            print("total", nanos - startNanos, bytes - startBytes, gc - startGc, peak, cpu - startCpu);
        }

        private static void print(String phase, long nanos, long bytes, long gcMillis, long heap, long cpuNanos) {
            System.out.printf("phase %s %.1f %d %d %d %.1f%n", phase, nanos / 1e6, bytes, gcMillis, heap, cpuNanos / 1e6);
        }

        private static long cpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }

        private static long gcMillis() {
            long sum = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                sum += Math.max(0, gc.getCollectionTime());
            }
            return sum;
        }
    }
}
