package io.netfence.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The config and policies the repository ships are valid, so the README's commands work. */
class ShippedFilesTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void bundledConfigAndDefaultPolicyLoad() throws Exception {
        AgentConfig config = AgentConfig.load(ROOT.resolve("dist/netfence.yaml"));
        assertEquals(ROOT.resolve("dist/policies.d").toAbsolutePath().normalize(), config.policiesDir());
        assertEquals(":9464", config.metricsListen());
        assertEquals(FlowHistory.OFF, config.flowHistory()); // documented there, off as by default
        List<PolicySpec> specs = PolicyFiles.load(List.of(config.policiesDir()));
        assertEquals(List.of("sandbox"), specs.stream().map(PolicySpec::name).toList());
        assertTrue(specs.get(0).target().matches("/netfence-sandbox.slice/job-1"));
    }

    @Test
    void examplePolicyFilesLoad() throws Exception {
        Path examples = ROOT.resolve("examples");
        assertTrue(Files.isDirectory(examples));
        assertEquals(List.of("payments", "batch-audit"), PolicyFiles.load(List.of(examples)).stream().map(PolicySpec::name).toList());
    }

    /** The agent's memory bounds (README, "Limits") are the same wherever it is started. */
    @Test
    void launcherAndUnitBoundTheAgentsMemoryAlike() throws Exception {
        String bounds = "-Xms4m -Xmx256m -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -XX:MaxDirectMemorySize=96m -XX:+ExitOnOutOfMemoryError -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -Dio.netty.allocator.type=unpooled -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -Xshare:off";
        String unit = Files.readString(ROOT.resolve("dist/netfence.service"));
        for (String launcherFile : new String[] {"bin/netfence", "dist/deb/netfence"}) {
            String launcher = Files.readString(ROOT.resolve(launcherFile)).replaceAll("\\\\\n\\s*", "");
            assertTrue(launcher.contains("exec java " + bounds + " "), launcherFile + ":\n" + launcher);
        }
        assertTrue(unit.contains("ExecStart=/usr/bin/netfence agent "), "the unit starts the agent through the launcher: " + unit);
        assertTrue(unit.contains("MemoryMax=1G"), "the unit's ceiling stays far above the heap");
    }

    /**
     * The CLI starts alike from the checkout and from the package, with the start-up cache each one's build or
     * install makes (docs/benchmarks.md, "Start-up"), which is made with the CLI's GC.
     */
    @Test
    void launchersStartTheCliAlikeWithTheCacheTheirInstallMakes() throws Exception {
        String checkout = Files.readString(ROOT.resolve("bin/netfence"));
        String deb = Files.readString(ROOT.resolve("dist/deb/netfence"));
        assertEquals(cliStart(checkout), cliStart(deb).replace(" ${NETFENCE_JAVA_OPTS:-}", ""));
        assertTrue(cliStart(checkout).contains("exec java -XX:+UseSerialGC $jit -Xshare:auto ${archive:+\"-XX:SharedArchiveFile=$archive\"} "
                + "-Xlog:cds=off -Xlog:cds+dynamic=off -Djna.boot.library.path=\"$cache\" -jar \"$jar\" \"$@\""), checkout);
        assertTrue(checkout.contains("\ncache=\"$root/agent/target/startup-cache\"\n"), checkout);
        assertTrue(Files.readString(ROOT.resolve("agent/pom.xml")).contains("<argument>${project.build.directory}/startup-cache</argument>"));
        assertTrue(deb.contains("\ncache=/var/cache/netfence\n"), deb);
        assertTrue(Files.readString(ROOT.resolve("dist/deb/postinst")).contains(
                "/usr/lib/netfence/startup-cache /usr/share/netfence/netfence.jar /var/cache/netfence "));
        assertTrue(Files.readString(ROOT.resolve("dist/build-deb.sh")).contains("\"$pkg/usr/lib/netfence/startup-cache\""));
        assertTrue(Files.readString(ROOT.resolve("dist/startup-cache")).contains("java -XX:+UseSerialGC -Xshare:auto -XX:ArchiveClassesAtExit="));
    }

    /** From the cache's path to the end: how the launcher picks its JIT and starts the CLI. */
    private static String cliStart(String launcher) {
        int cache = launcher.lastIndexOf("\ncache=");
        assertTrue(cache >= 0, launcher);
        return launcher.substring(launcher.indexOf('\n', cache + 1) + 1);
    }

    /**
     * The pins must live in the host's bpffs: a bpffs mounted from inside the agent's unit (even by
     * an ExecStartPre=+ line) sits in the unit's own mount namespace and vanishes with it.
     */
    @Test
    void theUnitMountsBpffsOnTheHostThroughAnUnsandboxedUnit() throws Exception {
        String unit = Files.readString(ROOT.resolve("dist/netfence.service"));
        assertTrue(unit.contains("\nRequires=netfence-bpffs.service\n") && unit.matches("(?s).*\nAfter=[^\n]*netfence-bpffs.service.*"), unit);
        assertTrue(unit.lines().noneMatch(l -> l.startsWith("Exec") && l.contains("mount")), "no mount from inside the sandbox: " + unit);
        String bpffs = Files.readString(ROOT.resolve("dist/netfence-bpffs.service"));
        assertTrue(bpffs.contains("mount -t bpf"), bpffs);
        for (String sandboxing : new String[] {"Private", "Protect", "ReadWritePaths", "ReadOnlyPaths", "Namespace", "TemporaryFileSystem"}) {
            assertTrue(bpffs.lines().noneMatch(l -> l.startsWith(sandboxing)), sandboxing + "* would give the mount a namespace of its own");
        }
    }
}
