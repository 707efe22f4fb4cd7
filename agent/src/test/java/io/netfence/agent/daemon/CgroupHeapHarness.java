package io.netfence.agent.daemon;

import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.config.PolicySpec;
import io.netfence.agent.config.Target;
import io.netfence.agent.datapath.InMemoryDatapath;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the heap the reconciler holds for N cgroups under 10 policies, over plain
 * directories and an in-memory datapath (no root, no kernel). Not a test: run by hand, e.g.
 * {@code java -cp agent/target/classes:agent/target/test-classes:agent/target/netfence.jar
 * io.netfence.agent.daemon.CgroupHeapHarness 1000}.
 */
public final class CgroupHeapHarness {
    private CgroupHeapHarness() {}

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        Path mount = Files.createTempDirectory("nft-cgroups");
        for (int i = 0; i < count; i++) {
            Path dir = mount.resolve("nft.slice/svc-" + (i % 10) + "-" + i + ".service");
            Files.createDirectories(dir);
            Files.createFile(dir.resolve("cgroup.procs"));
        }
        List<PolicySpec> specs = new ArrayList<>();
        for (int p = 0; p < 10; p++) {
            Policy policy = new Policy("p" + p, RuleSyntax.parse(Verdict.DENY, "198.18." + p + ".0/24"), List.of(), false);
            specs.add(new PolicySpec(policy, Target.parse("/nft.slice/svc-" + p + "-*.service"), "p" + p + ".yaml"));
        }
        System.gc();
        long before = used();
        Reconciler reconciler = new Reconciler(new InMemoryDatapath(), new CgroupFs(mount));
        reconciler.apply(specs);
        System.gc();
        long after = used();
        int matched = reconciler.matched().values().stream().mapToInt(List::size).sum();
        System.out.printf("%d cgroups, %d confined: reconciler and datapath state %d KiB%n", count, matched, (after - before) >> 10);
    }

    private static long used() {
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }
}
