package io.netfence.agent.config;

import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleLines;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.RuleSyntaxException;
import io.netfence.agent.policy.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Policy files: YAML documents of the form
 * <pre>
 * policies:
 *   - name: payments                  # [a-z0-9][a-z0-9._-]*, unique across all files
 *     target: payments.service        # a unit, a cgroup path, or a glob over cgroup paths
 *     mode: enforce                   # or audit, or learn (audit + record every flow; default enforce)
 *     egress:  [deny any, allow 198.18.0.0/15:443/tcp]
 *     ingress: [allow 198.18.0.0/15:22/tcp]
 * </pre>
 * A set of files is valid as a whole or not at all: one error anywhere and nothing is taken.
 */
public final class PolicyFiles {
    /** Every file of every reload is read, most of them unchanged: see {@link ParsedFiles}. */
    private static final ParsedFiles PARSED = new ParsedFiles(PolicyLimits.MAX_TOTAL_BYTES);
    private static final Set<String> TOP_KEYS = Set.of("policies");
    private static final Set<String> POLICY_KEYS = new LinkedHashSet<>(List.of("name", "target", "mode", "egress", "ingress"));
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    /** A file of 100k bad rules should not produce 100k lines: the first ones tell what is wrong. */
    static final int MAX_ERRORS = 20;

    private PolicyFiles() {}

    private static List<String> capped(List<String> errors) {
        List<String> first = new ArrayList<>(errors.subList(0, MAX_ERRORS));
        first.add("... and " + (errors.size() - MAX_ERRORS) + " more errors");
        return first;
    }

    /**
     * Parses the *.yaml and *.yml files of the directories (missing ones are empty). A file that
     * is not UTF-8, is over a limit of {@link PolicyLimits} or has no document at all is an error
     * like any other: the whole set is refused.
     */
    public static List<PolicySpec> load(List<Path> directories) throws PolicyFileException, IOException {
        return parse(read(directories));
    }

    /** The policy files of the directories, path → text, as {@link #load} parses them. */
    public static Map<String, String> read(List<Path> directories) throws PolicyFileException, IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        for (Path directory : directories) {
            texts.putAll(readDirectory(directory, Set.of()));
        }
        return texts;
    }

    /**
     * The policy files of one directory (*.yaml and *.yml, not hidden), path → text, in name
     * order; a missing directory has none. A file over {@link PolicyLimits#MAX_FILE_BYTES} or
     * not UTF-8 is refused, naming the file (and line:column for bad UTF-8).
     *
     * @param exceptNames file names to leave out
     */
    public static Map<String, String> readDirectory(Path directory, Set<String> exceptNames) throws PolicyFileException, IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        if (!Files.isDirectory(directory)) {
            return texts;
        }
        List<String> refusals = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> listed = Files.list(directory)) {
            files = listed.filter(PolicyFiles::isPolicyFile).filter(f -> !exceptNames.contains(f.getFileName().toString())).sorted().toList();
        }
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        if (total > PolicyLimits.MAX_TOTAL_BYTES) {
            throw new PolicyFileException(List.of(directory + ": " + files.size() + " policy files of " + total
                    + " bytes; the limit is " + PolicyLimits.MAX_TOTAL_BYTES + " bytes for all files together"));
        }
        for (Path file : files) {
            long size = Files.size(file);
            if (size > PolicyLimits.MAX_FILE_BYTES) {
                refusals.add(file + ": " + size + " bytes; the limit is " + PolicyLimits.MAX_FILE_BYTES + " bytes per policy file");
                continue;
            }
            PolicyText.Text text = PolicyText.decode(file.toString(), readAtMost(file, PolicyLimits.MAX_FILE_BYTES + 1));
            if (text.ok()) {
                texts.put(file.toString(), text.text());
            } else {
                refusals.add(text.refusal());
            }
        }
        if (!refusals.isEmpty()) {
            throw new PolicyFileException(refusals.size() <= MAX_ERRORS ? refusals : capped(refusals));
        }
        return texts;
    }

    /**
     * One policy file checked as the agent checks it (size, UTF-8, YAML, rules, names), without
     * the other files: what {@code netfence policy check} runs.
     */
    public static List<PolicySpec> loadFile(Path file) throws PolicyFileException, IOException {
        long size = Files.size(file);
        if (size > PolicyLimits.MAX_FILE_BYTES) {
            throw new PolicyFileException(List.of(file + ": " + size + " bytes; the limit is " + PolicyLimits.MAX_FILE_BYTES
                    + " bytes per policy file"));
        }
        PolicyText.Text text = PolicyText.decode(file.toString(), readAtMost(file, PolicyLimits.MAX_FILE_BYTES + 1));
        if (!text.ok()) {
            throw new PolicyFileException(List.of(text.refusal()));
        }
        return parse(Map.of(file.toString(), text.text()));
    }

    /** A file that grows while it is read is still read only to the limit (and then refused for its size). */
    static byte[] readAtMost(Path file, int bytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(bytes);
        }
    }

    /** Whether a policy may have this name: 1-63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit. */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    static boolean isPolicyFile(Path file) {
        return Files.isRegularFile(file) && isPolicyFileName(file.getFileName().toString());
    }

    /** Whether a file of this name in a policy directory is read: *.yaml or *.yml, not hidden. */
    public static boolean isPolicyFileName(String name) {
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    /** Parses files given as name → text, checking names are unique across all of them. */
    public static List<PolicySpec> parse(Map<String, String> texts) throws PolicyFileException {
        long total = texts.values().stream().mapToLong(String::length).sum();
        if (total > PolicyLimits.MAX_TOTAL_BYTES) {
            throw new PolicyFileException(List.of(texts.size() + " policy files of " + total + " characters; the limit is "
                    + PolicyLimits.MAX_TOTAL_BYTES + " for all files together"));
        }
        List<PolicySpec> specs = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Map<String, String> firstDefinition = new HashMap<>();
        RuleBudget budget = new RuleBudget();
        for (Map.Entry<String, String> file : texts.entrySet()) {
            YamlNodes yaml = new YamlNodes(file.getKey());
            for (PolicySpec spec : parsedFile(yaml, file.getValue(), budget)) {
                String previous = firstDefinition.putIfAbsent(spec.name(), spec.source());
                if (previous != null) {
                    errors.add(spec.source() + ": duplicate policy name '" + spec.name() + "' (first defined at " + previous + ")");
                } else {
                    specs.add(spec);
                }
            }
            errors.addAll(yaml.errors());
        }
        if (specs.size() > PolicyLimits.MAX_POLICIES) {
            errors.add(specs.size() + " policies; the limit is " + PolicyLimits.MAX_POLICIES);
        }
        if (!errors.isEmpty()) {
            throw new PolicyFileException(errors.size() <= MAX_ERRORS ? errors : capped(errors));
        }
        return specs;
    }

    /**
     * The file's policies: as parsed before when its text is unchanged and its rules fit the
     * budget (else it is parsed, which reports the line where the budget ran out).
     */
    private static List<PolicySpec> parsedFile(YamlNodes yaml, String text, RuleBudget budget) {
        Optional<ParsedFiles.Parsed> known = PARSED.get(yaml.file(), text);
        if (known.isPresent() && budget.fits(known.get().rules())) {
            budget.take(known.get().rules());
            return known.get().specs();
        }
        long before = budget.read();
        List<PolicySpec> specs = parseFile(yaml, text, budget);
        if (yaml.errors().isEmpty() && !budget.over()) {
            PARSED.put(yaml.file(), text, specs, budget.read() - before);
        }
        return specs;
    }

    private static List<PolicySpec> parseFile(YamlNodes yaml, String text, RuleBudget budget) {
        List<PolicySpec> specs = new ArrayList<>();
        if (text.length() > PolicyLimits.MAX_FILE_BYTES) {
            yaml.errors().add(yaml.file() + ": " + text.length() + " characters; the limit is " + PolicyLimits.MAX_FILE_BYTES);
            return specs;
        }
        int errorsBefore = yaml.errors().size();
        Optional<Node> root = yaml.compose(text);
        if (root.isEmpty()) {
            if (yaml.errors().size() == errorsBefore) {
                // an empty file is what a file truncated for rewriting looks like: never read it as "no policies"
                yaml.errors().add(yaml.file() + ": the file is empty (to remove its policies, delete the file)");
            }
            return specs;
        }
        Optional<List<Node>> policies = yaml.mapping(root.get(), "the file", TOP_KEYS)
                .flatMap(top -> yaml.required(top, root.get(), "policies", "the file"))
                .flatMap(node -> yaml.sequence(node, "'policies'"));
        policies.ifPresent(nodes -> nodes.forEach(node -> parsePolicy(yaml, node, budget).ifPresent(specs::add)));
        return specs;
    }

    private static Optional<PolicySpec> parsePolicy(YamlNodes yaml, Node node, RuleBudget budget) {
        Optional<Map<String, Node>> entries = yaml.mapping(node, "a policy", POLICY_KEYS);
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Node> e = entries.get();
        int errorsBefore = yaml.errors().size();
        Optional<String> name = yaml.required(e, node, "name", "the policy").flatMap(n -> yaml.scalar(n, "'name'"));
        name.ifPresent(n -> {
            if (!NAME.matcher(n).matches()) {
                yaml.error(e.get("name"), "policy name '" + n + "' must be 1-63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
            }
        });
        Optional<Target> target = yaml.required(e, node, "target", "the policy").flatMap(t -> yaml.scalar(t, "'target'"))
                .flatMap(text -> {
                    try {
                        return Optional.of(Target.parse(text));
                    } catch (IllegalArgumentException problem) {
                        yaml.error(e.get("target"), problem.getMessage());
                        return Optional.empty();
                    }
                });
        boolean audit = false;
        boolean learn = false;
        if (e.containsKey("mode")) {
            Optional<String> mode = yaml.scalar(e.get("mode"), "'mode'");
            if (mode.isPresent() && !List.of("enforce", "audit", "learn").contains(mode.get())) {
                yaml.error(e.get("mode"), "unknown mode '" + mode.get() + "' (expected enforce, audit or learn)");
            }
            learn = mode.map("learn"::equals).orElse(false);
            audit = learn || mode.map("audit"::equals).orElse(false);
        }
        PacketSockets[] packetSockets = {PacketSockets.BY_DEFAULT};
        List<NameRule> egressNames = new ArrayList<>();
        List<NameRule> ingressNames = new ArrayList<>();
        List<Rule> egress = rules(yaml, e.get("egress"), "egress", packetSockets, egressNames, budget);
        List<Rule> ingress = rules(yaml, e.get("ingress"), "ingress", null, ingressNames, budget);
        if (!e.containsKey("egress") && !e.containsKey("ingress") && !learn) {
            yaml.error(node, "the policy has neither 'egress' nor 'ingress' rules");
        }
        if (yaml.errors().size() > errorsBefore || name.isEmpty() || target.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PolicySpec(new Policy(name.get(), egress, ingress, audit, packetSockets[0], learn,
                egressNames, ingressNames), target.get(),
                yaml.where(e.get("name")).replaceFirst(": $", "")));
    }

    /** @param packetSockets where an egress list's packet-sockets rule goes; null where none may stand */
    private static List<Rule> rules(YamlNodes yaml, Node node, String direction, PacketSockets[] packetSockets,
            List<NameRule> names, RuleBudget budget) {
        List<Rule> rules = new ArrayList<>();
        if (node == null || budget.over()) {
            return rules;
        }
        for (Node item : yaml.sequence(node, "'" + direction + "'").orElse(List.of())) {
            Optional<String> text = yaml.scalar(item, "a rule");
            if (text.isEmpty()) {
                continue;
            }
            if (RuleSyntax.splitAction(text.get()).flatMap(RuleSyntax.Action::verdict).isEmpty()) {
                yaml.error(item, "a rule is 'allow RULE' or 'deny RULE', not '" + text.get() + "'");
                continue;
            }
            try {
                List<Rule> parsed = new ArrayList<>(2);
                List<NameRule> parsedNames = new ArrayList<>(1);
                RuleLines.add(text.get(), parsed, parsedNames, packetSockets);
                if (!budget.take(parsed.size() + parsedNames.size())) {
                    yaml.error(item, RuleBudget.refusal());
                    break;
                }
                rules.addAll(parsed);
                names.addAll(parsedNames);
            } catch (RuleSyntaxException problem) {
                yaml.error(item, problem.getMessage());
            }
        }
        return rules;
    }
}
