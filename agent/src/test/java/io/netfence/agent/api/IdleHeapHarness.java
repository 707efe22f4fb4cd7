package io.netfence.agent.api;

import io.netfence.agent.config.PolicyFiles;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent's idle footprint without the kernel: the API server up with 16 idle connections,
 * the shipped policies parsed; prints heap after GC, metaspace and RSS. Not a test: run by hand,
 * e.g. {@code java -Xmx256m -XX:+UseSerialGC -cp agent/target/classes:agent/target/test-classes:agent/target/netfence.jar
 * io.netfence.agent.api.IdleHeapHarness dist/policies.d}.
 */
public final class IdleHeapHarness {
    private IdleHeapHarness() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("nft-idle");
        Path socket = dir.resolve("netfence.sock");
        int uid = (Integer) Files.getAttribute(dir, "unix:uid");
        try (ApiServer server = ApiServer.start(socket, new InMemoryRoutes(), ApiServer.LIMITS, uid)) {
            int policies = PolicyFiles.load(List.of(Path.of(args[0]))).size();
            List<RawClient> idle = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                idle.add(new RawClient(socket));
            }
            System.gc();
            Thread.sleep(500);
            long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            long metaspace = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getName().equals("Metaspace"))
                    .mapToLong(p -> p.getUsage().getUsed()).sum();
            String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS")).findFirst().orElse("?");
            System.out.printf("%d policies, 16 idle connections: heap %d MiB after GC, metaspace %d MiB, %s%n", policies,
                    heap >> 20, metaspace >> 20, rss.replaceAll("\\s+", " "));
            for (RawClient client : idle) {
                client.close();
            }
        }
        Files.deleteIfExists(dir);
    }
}
