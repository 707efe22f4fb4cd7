package io.netfence.agent.cli;

import io.netfence.agent.config.PolicyFileException;
import io.netfence.agent.config.PolicyLimits;
import io.netfence.agent.config.RulesFile;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.RuleSyntaxException;
import io.netfence.agent.policy.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The policy options of {@code run} and {@code attach}. */
public final class RuleOptions {

    @Option(names = "--allow", paramLabel = "RULE", description = "Allow egress to RULE.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--deny", paramLabel = "RULE", description = "Deny egress to RULE (--deny any: deny by default).")
    List<String> deny = new ArrayList<>();

    @Option(names = "--ingress-allow", paramLabel = "RULE", description = "Allow inbound traffic from RULE.")
    List<String> ingressAllow = new ArrayList<>();

    @Option(names = "--ingress-deny", paramLabel = "RULE", description = "Deny inbound traffic from RULE.")
    List<String> ingressDeny = new ArrayList<>();

    @Option(names = "--no-network", description = {"No network, as with unshare -n or firejail --net=none: with run, "
            + "COMMAND gets a network namespace of its own with only loopback, where its processes reach each other and "
            + "nothing else (not the host's localhost services, nor abstract unix sockets). Any --allow or "
            + "--ingress-allow keeps the host's network instead, with everything else denied.",
            "With attach: everything denied but localhost."})
    boolean noNetwork;

    @Option(names = "--rules-file", paramLabel = "FILE",
            description = "Read rules from FILE, one per line: allow|deny|ingress-allow|ingress-deny RULE; # starts a comment.")
    Path rulesFile;

    @Option(names = "--audit", description = "Block nothing; count and report what the rules would deny.")
    boolean audit;

    /** Whether a run should get a network namespace of its own: nothing but --no-network was asked for. */
    boolean wantsPrivateNetwork() {
        return noNetwork && allow.isEmpty() && ingressAllow.isEmpty() && rulesFile == null;
    }

    /** @throws UsageException naming the option or file line and what is wrong */
    public Policy toPolicy(String name) {
        checkOptions();
        List<Rule> egress = new ArrayList<>();
        List<Rule> ingress = new ArrayList<>();
        if (noNetwork) {
            egress.addAll(RuleSyntax.parse(Verdict.DENY, "any"));
            egress.addAll(RuleSyntax.parse(Verdict.ALLOW, "localhost"));
            ingress.addAll(RuleSyntax.parse(Verdict.DENY, "any"));
            ingress.addAll(RuleSyntax.parse(Verdict.ALLOW, "localhost"));
        }
        add(egress, Verdict.ALLOW, "--allow", allow);
        add(egress, Verdict.DENY, "--deny", deny);
        add(ingress, Verdict.ALLOW, "--ingress-allow", ingressAllow);
        add(ingress, Verdict.DENY, "--ingress-deny", ingressDeny);
        if (rulesFile != null) {
            readRulesFile(egress, ingress);
        }
        if (egress.isEmpty() && ingress.isEmpty()) {
            throw new UsageException("no rules given: use --allow, --deny, --ingress-allow, --ingress-deny, "
                    + "--no-network or --rules-file");
        }
        return new Policy(name, egress, ingress, audit);
    }

    private static void add(List<Rule> into, Verdict verdict, String option, List<String> texts) {
        for (String text : texts) {
            try {
                into.addAll(RuleSyntax.parse(verdict, text));
            } catch (RuleSyntaxException e) {
                throw new UsageException(option + ": " + e.getMessage());
            }
        }
    }

    private void readRulesFile(List<Rule> egress, List<Rule> ingress) {
        RulesFile.Rules rules;
        try {
            rules = RulesFile.read(rulesFile);
        } catch (PolicyFileException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new UsageException("--rules-file: cannot read " + rulesFile + ": " + e.getMessage());
        }
        egress.addAll(rules.egress());
        ingress.addAll(rules.ingress());
    }

    /** Options are for a few rules: a count and a length past any real use are refused before parsing. */
    private void checkOptions() {
        int count = allow.size() + deny.size() + ingressAllow.size() + ingressDeny.size();
        if (count > PolicyLimits.MAX_RULE_OPTIONS) {
            throw new UsageException(count + " rule options; the limit is " + PolicyLimits.MAX_RULE_OPTIONS + " (use --rules-file)");
        }
        checkLength("--allow", allow);
        checkLength("--deny", deny);
        checkLength("--ingress-allow", ingressAllow);
        checkLength("--ingress-deny", ingressDeny);
    }

    private static void checkLength(String option, List<String> texts) {
        for (String text : texts) {
            if (text.length() > PolicyLimits.MAX_LINE_CHARS) {
                throw new UsageException(option + ": a rule of " + text.length() + " characters; the limit is " + PolicyLimits.MAX_LINE_CHARS);
            }
        }
    }
}
