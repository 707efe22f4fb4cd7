package io.netfence.agent.config;

import io.netfence.agent.datapath.PolicyCompiler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures the heap a reload needs (read, decode, parse, compile) while the policies in force
 * stay in memory beside it, to size the agent's -Xmx against {@link PolicyLimits}. Not a test:
 * run by hand, for example
 * <pre>
 * java -Xmx256m -XX:+UseSerialGC -cp agent/target/netfence.jar:agent/target/test-classes \
 *     io.netfence.agent.config.PolicyHeapHarness v4 2.9 2 any 3.9 2
 * </pre>
 * (in force: two 2.9 MiB files of v4 rules; then a reload of two 3.9 MiB files of 'deny any').
 * Shapes: v4 (distinct /32s), v6 (distinct /128s), any ('deny any', two rules a line), bad (v4
 * with one error at the end).
 */
public final class PolicyHeapHarness {
    private PolicyHeapHarness() {}

    public static void main(String[] args) throws Exception {
        Path inForceDir = write(args[0], Double.parseDouble(args[1]), Integer.parseInt(args[2]), "old");
        Path nextDir = write(args[3], Double.parseDouble(args[4]), Integer.parseInt(args[5]), "new");
        System.gc();
        long idle = used();
        List<PolicySpec> inForce = PolicyFiles.load(List.of(inForceDir));
        System.gc();
        long retained = used() - idle;
        resetPeaks();
        long start = System.nanoTime();
        String outcome;
        try {
            List<PolicySpec> specs = PolicyFiles.load(List.of(nextDir));
            int entries = 0;
            for (PolicySpec spec : specs) {
                entries += PolicyCompiler.compile(spec.policy().egress()).entries().size();
            }
            outcome = "ok, " + rules(specs) + " rules, " + entries + " entries";
        } catch (PolicyFileException e) {
            outcome = "refused: " + e.errors().get(0).replaceAll(".*/nft-heap[^/]*/", "");
        } catch (OutOfMemoryError e) {
            outcome = "OUT OF MEMORY";
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("in force %s (%d rules, %d MiB); reload %s %s x %s MiB: %s in %d ms; heap peak %d MiB of %d MiB%n",
                args[0], rules(inForce), retained >> 20, args[3], args[5], args[4], outcome, millis, peak() >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
        delete(inForceDir);
        delete(nextDir);
    }

    private static int rules(List<PolicySpec> specs) {
        return specs.stream().mapToInt(p -> p.policy().egress().size()).sum();
    }

    private static Path write(String shape, double mib, int files, String prefix) throws IOException {
        Path dir = Files.createTempDirectory("nft-heap");
        for (int f = 0; f < files; f++) {
            Files.writeString(dir.resolve(prefix + f + ".yaml"), text(shape, (long) (mib * 1024 * 1024), prefix + f));
        }
        return dir;
    }

    static String text(String shape, long bytes, String name) {
        StringBuilder out = new StringBuilder("policies:\n- name: " + name + "\n  target: /nft-heap\n  egress:\n");
        for (int i = 0; out.length() < bytes - 64; i++) {
            switch (shape) {
                case "v4", "bad" -> out.append("  - deny ").append(10 + (i >>> 24)).append('.').append((i >>> 16) & 255).append('.')
                        .append((i >>> 8) & 255).append('.').append(i & 255).append('\n');
                case "v6" -> out.append("  - deny fd00::").append(Integer.toHexString(i >>> 16)).append(':')
                        .append(Integer.toHexString(i & 0xffff)).append('\n');
                default -> out.append("  - deny any\n");
            }
        }
        if (shape.equals("bad")) {
            out.append("  - deny nowhere\n");
        }
        return out.toString();
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            for (Path file : all.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    private static long used() {
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
