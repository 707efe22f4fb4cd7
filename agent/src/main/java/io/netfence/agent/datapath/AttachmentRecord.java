package io.netfence.agent.datapath;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.host.AtomicFile;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import java.io.IOException;
import java.io.Reader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * What netfence attached to one cgroup, kept in /run/netfence/cgroups/ next to the pins (both
 * vanish at reboot), for {@code list}, for the agent to recognise its own cgroups, and for
 * collecting {@code run} cgroups whose owner died. The kernel's maps stay the truth about what is
 * enforced; this holds what they cannot say.
 *
 * @param policyNames  the policies in force, in slot order
 * @param egressRules  the first rules as text, for display ({@link #SHOWN_RULES} at most)
 * @param ownerPid     the {@code netfence run} or agent process; 0 for {@code attach}
 */
public record AttachmentRecord(long cgroupId, String cgroupPath, Kind kind, List<String> policyNames, boolean audit,
                               List<String> egressRules, int egressRuleCount,
                               List<String> ingressRules, int ingressRuleCount, long ownerPid) {
    public static final int SHOWN_RULES = 8;
    private static final String SEPARATOR = ", ";

    /** Who put netfence on the cgroup, and so who may change it. */
    public enum Kind { ATTACH, RUN, AGENT }

    public static AttachmentRecord of(Cgroup cgroup, List<Policy> policies, Kind kind, long ownerPid) {
        return new AttachmentRecord(cgroup.id(), cgroup.path(), kind, policies.stream().map(Policy::name).toList(),
                policies.stream().allMatch(Policy::audit), firstRules(policies, Policy::egress),
                policies.stream().mapToInt(p -> p.egress().size()).sum(), firstRules(policies, Policy::ingress),
                policies.stream().mapToInt(p -> p.ingress().size()).sum(), ownerPid);
    }

    /** Only the rules shown are read: a policy may hold a million. */
    private static List<String> firstRules(List<Policy> policies, Function<Policy, List<Rule>> direction) {
        return policies.stream().flatMap(p -> direction.apply(p).stream()).limit(SHOWN_RULES).map(Rule::toString).toList();
    }

    static Path file(Path runtimeDirectory, long cgroupId) {
        return runtimeDirectory.resolve("cgroups").resolve(cgroupId + ".properties");
    }

    void store(Path runtimeDirectory) throws IOException {
        Properties p = new Properties();
        p.setProperty("cgroup.id", Long.toString(cgroupId));
        p.setProperty("cgroup.path", cgroupPath);
        p.setProperty("kind", kind.name());
        p.setProperty("policy.names", String.join(SEPARATOR, policyNames));
        p.setProperty("policy.audit", Boolean.toString(audit));
        p.setProperty("egress.rules", String.join(SEPARATOR, egressRules));
        p.setProperty("egress.count", Integer.toString(egressRuleCount));
        p.setProperty("ingress.rules", String.join(SEPARATOR, ingressRules));
        p.setProperty("ingress.count", Integer.toString(ingressRuleCount));
        p.setProperty("owner.pid", Long.toString(ownerPid));
        AtomicFile.write(file(runtimeDirectory, cgroupId), out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            p.store(writer, "netfence attachment: written by netfence, do not edit");
            writer.flush();
        });
    }

    public static Optional<AttachmentRecord> load(Path runtimeDirectory, long cgroupId) throws IOException {
        Path file = file(runtimeDirectory, cgroupId);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return Optional.of(new AttachmentRecord(cgroupId, p.getProperty("cgroup.path"),
                Kind.valueOf(p.getProperty("kind", Kind.ATTACH.name())), split(p.getProperty("policy.names", "")),
                Boolean.parseBoolean(p.getProperty("policy.audit")),
                split(p.getProperty("egress.rules", "")), Integer.parseInt(p.getProperty("egress.count", "0")),
                split(p.getProperty("ingress.rules", "")), Integer.parseInt(p.getProperty("ingress.count", "0")),
                Long.parseLong(p.getProperty("owner.pid", "0"))));
    }

    private static List<String> split(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split(SEPARATOR));
    }

    static void delete(Path runtimeDirectory, long cgroupId) throws IOException {
        Files.deleteIfExists(file(runtimeDirectory, cgroupId));
    }
}
