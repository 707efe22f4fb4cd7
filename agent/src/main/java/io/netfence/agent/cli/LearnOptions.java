package io.netfence.agent.cli;

import io.netfence.agent.learn.LearnedRules;
import io.netfence.agent.learn.ObservedFlow;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How learned flows are written: the options of {@code run --learn} and {@code learn}. */
public final class LearnOptions {
    enum Format { RULES, YAML }

    @Option(names = "--out", paramLabel = "FILE", description = "Write the learned policy to FILE (default: stdout).")
    Path out;

    @Option(names = "--format", paramLabel = "rules|yaml", converter = FormatConverter.class,
            description = "rules: a rules file for run/attach --rules-file (default); yaml: an agent policy file.")
    Format format = Format.RULES;

    @Option(names = "--aggregate", description = "Summarise wide fan-out: " + LearnedRules.AGGREGATE_MIN_ADDRESSES
            + " or more addresses of one /24 (/64) with the same ports become that prefix. Allows more than was seen.")
    boolean aggregate;

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return Format.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** The policy a learning run is under: the rules given, audited, or nothing at all but recording. */
    static Policy policy(RuleOptions rules, String name) {
        boolean none = rules.allow.isEmpty() && rules.deny.isEmpty() && rules.ingressAllow.isEmpty()
                && rules.ingressDeny.isEmpty() && rules.rulesFile == null;
        if (rules.noNetwork) {
            throw new UsageException("--learn watches the command on the network; --no-network leaves nothing to learn");
        }
        Policy policy = none ? new Policy(name, List.of(), List.of(), true, PacketSockets.BY_DEFAULT) : rules.toPolicy(name, false);
        return policy.learning();
    }

    void write(List<String> header, String name, String target, List<ObservedFlow> flows) throws IOException {
        String text = format == Format.YAML ? LearnedRules.policyYaml(header, name, target, flows, aggregate)
                : LearnedRules.rulesFile(header, flows, aggregate);
        if (out == null) {
            System.out.print(text);
            System.out.flush();
        } else {
            Files.writeString(out, text, StandardCharsets.UTF_8);
        }
    }
}
