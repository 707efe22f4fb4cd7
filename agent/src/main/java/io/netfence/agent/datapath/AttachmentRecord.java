package io.netfence.agent.datapath;

import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What netfence attached to one cgroup, kept in /run/netfence/cgroups/ next to the pins (both
 * vanish at reboot): the cgroup path, the policy as rule text (so its map keys can be recomputed
 * for removal, and {@code list} can show it) and the owning {@code run} process, if any.
 *
 * @param ownerPid the {@code netfence run} that created the cgroup, 0 for {@code attach}
 */
public record AttachmentRecord(long cgroupId, String cgroupPath, Policy policy, int egressRuleset,
                               int ingressRuleset, long ownerPid) {

    public static Path file(Path runtimeDirectory, long cgroupId) {
        return runtimeDirectory.resolve("cgroups").resolve(cgroupId + ".properties");
    }

    public void store(Path runtimeDirectory) throws IOException {
        Properties p = new Properties();
        p.setProperty("cgroup.id", Long.toString(cgroupId));
        p.setProperty("cgroup.path", cgroupPath);
        p.setProperty("policy.name", policy.name());
        p.setProperty("policy.audit", Boolean.toString(policy.audit()));
        p.setProperty("egress", render(policy.egress()));
        p.setProperty("ingress", render(policy.ingress()));
        p.setProperty("egress.ruleset", Integer.toString(egressRuleset));
        p.setProperty("ingress.ruleset", Integer.toString(ingressRuleset));
        p.setProperty("owner.pid", Long.toString(ownerPid));
        Path file = file(runtimeDirectory, cgroupId);
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            p.store(out, "netfence attachment: written by netfence, do not edit");
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
        Policy policy = new Policy(p.getProperty("policy.name", ""), parse(p.getProperty("egress", "")),
                parse(p.getProperty("ingress", "")), Boolean.parseBoolean(p.getProperty("policy.audit")));
        return Optional.of(new AttachmentRecord(cgroupId, p.getProperty("cgroup.path"), policy,
                Integer.parseInt(p.getProperty("egress.ruleset", "0")),
                Integer.parseInt(p.getProperty("ingress.ruleset", "0")),
                Long.parseLong(p.getProperty("owner.pid", "0"))));
    }

    public static void delete(Path runtimeDirectory, long cgroupId) throws IOException {
        Files.deleteIfExists(file(runtimeDirectory, cgroupId));
    }

    /** Rules as "allow 198.18.0.2:443/tcp,deny any" - one token per rule, commas between. */
    static String render(List<Rule> rules) {
        StringBuilder out = new StringBuilder();
        for (Rule rule : rules) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(rule);
        }
        return out.toString();
    }

    static List<Rule> parse(String text) {
        List<Rule> rules = new ArrayList<>();
        if (text.isBlank()) {
            return rules;
        }
        for (String token : text.split(",")) {
            String[] parts = token.trim().split(" ", 2);
            rules.addAll(RuleSyntax.parse(Verdict.valueOf(parts[0].toUpperCase(java.util.Locale.ROOT)), parts[1]));
        }
        return rules;
    }
}
