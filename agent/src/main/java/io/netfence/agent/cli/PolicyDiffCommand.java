package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody.Flows;
import io.netfence.agent.api.ApiBody.PolicyList;
import io.netfence.agent.api.ApiBody.PolicyView;
import io.netfence.agent.api.ApiClient;
import io.netfence.agent.config.DurationText;
import io.netfence.agent.config.PolicyFileException;
import io.netfence.agent.config.PolicyFiles;
import io.netfence.agent.config.PolicySpec;
import io.netfence.agent.config.RulesFile;
import io.netfence.agent.daemon.FlowViews;
import io.netfence.agent.learn.DiffReport;
import io.netfence.agent.learn.ObservedFlow;
import io.netfence.agent.learn.PolicyDiff;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleLines;
import io.netfence.agent.policy.RuleSyntaxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare a candidate with the policy in force, on the flows the agent recorded for that policy: "
                + "which flows the candidate would deny that the policy in force allows, and the reverse, each with its "
                + "counts and first and last sighting, then how many flows both judge alike.",
                "",
                "FILE is a policy file (*.yaml, *.yml), each policy in it compared with the policy of its name in force "
                + "(or only --policy NAME), or a rules file (anything else) as the new rules of the policy --policy NAME.",
                "Both sides are judged by their rules with netfence's semantics (longest prefix, then port, then protocol, "
                + "deny on a tie, no match allows), whatever their mode (an audit policy's would-be denials count as "
                + "denials), per policy: other policies on the same cgroups are left out. Flows are recorded by address: "
                + "name rules (of either side) judge none of them, and the candidate's are listed as such.",
                "The flows come from the agent's flow history ('flow_history: {enabled: true}' in its config) or from a "
                + "policy in learn mode.",
                "",
                "Exit status: 0 no difference, 1 differences, 2 bad input, a policy that records no flows, or no answer "
                + "from the agent.",
                "", "Example:", "  netfence policy diff --since 1h payments.yaml"})
public final class PolicyDiffCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The candidate: a policy file or a rules file.")
    Path file;

    @Option(names = "--since", paramLabel = "DURATION", description = "Only flows seen within this long: 30m, 1h, 1d "
            + "(default: all the agent keeps).")
    String since;

    @Option(names = "--policy", paramLabel = "NAME", description = "The policy in force to compare with (required for a "
            + "rules file; for a policy file, only this one of its policies).")
    String policy;

    @Mixin
    ApiOptions api;

    @Mixin
    VerboseOption verbose;

    /** One comparison: the candidate's rules for one policy in force, and the name rules that judge nothing. */
    private record Candidate(String name, PolicyDiff.Rules rules, List<NameRule> names) {}

    @Override
    public Integer call() {
        try {
            return compare();
        } catch (IOException e) {
            throw new UsageException(e.getMessage()); // 1 says "different": trouble is 2, as for diff(1)
        }
    }

    private int compare() throws IOException {
        Duration window = since == null ? null : DurationOption.parse("--since", since);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("cannot read " + file + ": no such file");
        }
        List<Candidate> candidates;
        try {
            candidates = candidates();
        } catch (PolicyFileException e) {
            e.errors().forEach(System.err::println);
            return ExitCodes.USAGE;
        }
        ApiClient agent = api.client();
        PolicyList inForce = ApiOptions.body(agent.get("/v1/policies"), PolicyList.class);
        boolean same = true;
        for (Candidate candidate : candidates) {
            PolicyView current = inForce.policies().stream().filter(p -> p.name().equals(candidate.name())).findAny()
                    .orElseThrow(() -> new UsageException("no policy named '" + candidate.name() + "' is in force (in force: "
                            + String.join(", ", inForce.policies().stream().map(PolicyView::name).toList()) + ")"));
            Flows flows = ApiOptions.body(agent.get("/v1/flows/" + ApiClient.segment(candidate.name())
                    + (window == null ? "" : "?since=" + Math.max(1, window.toSeconds()))), Flows.class);
            if (!flows.recording()) {
                throw new UsageException("policy '" + candidate.name() + "' records no flows: " + FlowHistoryHint.TEXT);
            }
            List<ObservedFlow> observed = flows.flows().stream().map(FlowViews::flow).toList();
            PolicyDiff diff = PolicyDiff.of(rulesOf(current), candidate.rules(), observed);
            print(candidate, flows, window, diff);
            same &= diff.same();
        }
        return same ? ExitCodes.OK : ExitCodes.DIFFERENT;
    }

    private List<Candidate> candidates() throws PolicyFileException, IOException {
        if (PolicyFiles.isPolicyFileName(file.getFileName().toString())) {
            List<PolicySpec> specs = PolicyFiles.loadFile(file);
            List<PolicySpec> chosen = policy == null ? specs : specs.stream().filter(s -> s.name().equals(policy)).toList();
            if (chosen.isEmpty()) {
                throw new UsageException(file + " has no policy named '" + policy + "' (it has: "
                        + String.join(", ", specs.stream().map(PolicySpec::name).toList()) + ")");
            }
            return chosen.stream().map(s -> new Candidate(s.name(), new PolicyDiff.Rules(s.policy().egress(), s.policy().ingress()),
                    namesOf(s.policy().egressNames(), s.policy().ingressNames()))).toList();
        }
        if (policy == null) {
            throw new UsageException(file + " is a rules file: say which policy in force it would replace with --policy NAME");
        }
        RulesFile.Rules rules = RulesFile.read(file);
        return List.of(new Candidate(policy, new PolicyDiff.Rules(rules.egress(), rules.ingress()),
                namesOf(rules.egressNames(), rules.ingressNames())));
    }

    private static List<NameRule> namesOf(List<NameRule> egress, List<NameRule> ingress) {
        List<NameRule> names = new ArrayList<>(egress);
        names.addAll(ingress);
        return names;
    }

    /**
     * The policy in force, read back from its rules as the agent lists them; its name rules, like
     * a candidate's, judge no recorded flow.
     */
    private static PolicyDiff.Rules rulesOf(PolicyView view) throws IOException {
        try {
            return new PolicyDiff.Rules(parse(view.egress(), new PacketSockets[] {PacketSockets.BY_DEFAULT}), parse(view.ingress(), null));
        } catch (RuleSyntaxException e) {
            throw new IOException("the agent listed a rule of policy '" + view.name() + "' it cannot have taken: " + e.getMessage(), e);
        }
    }

    private static List<Rule> parse(List<String> lines, PacketSockets[] packetSockets) {
        List<Rule> rules = new ArrayList<>();
        List<NameRule> names = new ArrayList<>();
        for (String line : lines) {
            RuleLines.add(line, rules, names, packetSockets);
        }
        return rules;
    }

    private void print(Candidate candidate, Flows flows, Duration window, PolicyDiff diff) {
        String span = window == null ? "all recorded flows" : "flows seen since "
                + Instant.now().minus(window).truncatedTo(ChronoUnit.SECONDS) + " (--since " + since + ")";
        System.out.println("policy " + candidate.name() + ": " + file + " against the policy in force, on " + span);
        if (window != null && flows.history() != null && flows.history().enabled()
                && window.toSeconds() > flows.history().maxAgeSeconds()) {
            System.out.println("note: the agent keeps flows not seen for "
                    + DurationText.format(Duration.ofSeconds(flows.history().maxAgeSeconds())) + " no longer (flow_history.max_age)");
        }
        if (flows.omitted() > 0) {
            System.out.println("note: " + flows.omitted() + " records seen least recently were left out of the agent's answer");
        }
        if (!candidate.names().isEmpty()) {
            System.out.println("note: " + candidate.names().size() + " name rules judge no recorded flow (flows are recorded by "
                    + "address, under the address rules of both sides): " + String.join(", ",
                    candidate.names().stream().map(NameRule::toString).limit(5).toList())
                    + (candidate.names().size() > 5 ? ", ..." : ""));
        }
        DiffReport.lines(diff).forEach(System.out::println);
    }
}
