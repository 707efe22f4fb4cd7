package io.netfence.agent.cli;

import io.netfence.agent.config.PolicyFileException;
import io.netfence.agent.config.PolicyLimits;
import io.netfence.agent.config.RulesFile;
import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.RuleLines;
import io.netfence.agent.policy.RuleList;
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

    @Option(names = "--allow", paramLabel = "RULE", description = "Allow egress to RULE (also: own-loopback, "
            + "packet-sockets).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--deny", paramLabel = "RULE", description = "Deny egress to RULE (--deny any: deny by default).")
    List<String> deny = new ArrayList<>();

    @Option(names = "--ingress-allow", paramLabel = "RULE", description = "Allow inbound traffic from RULE.")
    List<String> ingressAllow = new ArrayList<>();

    @Option(names = "--ingress-deny", paramLabel = "RULE", description = "Deny inbound traffic from RULE.")
    List<String> ingressDeny = new ArrayList<>();

    @Option(names = "--no-network", description = {"No network, as with unshare -n or firejail --net=none. With run "
            + "alone: COMMAND gets a network namespace of its own with only loopback, where its processes reach each other "
            + "and nothing else (not the host's localhost services, nor abstract unix sockets). With --allow rules: the "
            + "host's network, everything denied both ways but loopback among COMMAND's own processes (own-loopback) and "
            + "what --allow names (whose answers may come back in).",
            "With attach: deny any, allow own-loopback, both ways."})
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

    /**
     * @param inPrivateNetwork the policy is for a run in a network namespace of its own, where
     *                         localhost is the command's own
     * @throws UsageException naming the option or file line and what is wrong
     */
    public Policy toPolicy(String name, boolean inPrivateNetwork) {
        checkOptions();
        Rules egress = new Rules();
        Rules ingress = new Rules();
        PacketSockets[] packetSockets = {PacketSockets.BY_DEFAULT};
        if (noNetwork) {
            // in a network namespace of its own, localhost is the command's own; in the host's, it is not
            String loopback = inPrivateNetwork ? "localhost" : RuleSyntax.OWN_LOOPBACK;
            egress.prefixes.addAll(RuleSyntax.parse(Verdict.DENY, "any"));
            egress.prefixes.addAll(RuleSyntax.parse(Verdict.ALLOW, loopback));
            ingress.prefixes.addAll(RuleSyntax.parse(Verdict.DENY, "any"));
            ingress.prefixes.addAll(RuleSyntax.parse(Verdict.ALLOW, loopback));
        }
        add(egress, packetSockets, Verdict.ALLOW, "--allow", allow);
        add(egress, packetSockets, Verdict.DENY, "--deny", deny);
        add(ingress, null, Verdict.ALLOW, "--ingress-allow", ingressAllow);
        add(ingress, null, Verdict.DENY, "--ingress-deny", ingressDeny);
        if (rulesFile != null) {
            readRulesFile(egress, ingress, packetSockets);
        }
        if (noNetwork && !inPrivateNetwork) {
            answersFromAllowedDestinations(egress, ingress);
        }
        if (egress.isEmpty() && ingress.isEmpty() && packetSockets[0] == PacketSockets.BY_DEFAULT) {
            throw new UsageException("no rules given: use --allow, --deny, --ingress-allow, --ingress-deny, "
                    + "--no-network or --rules-file");
        }
        // handed on, not copied: a rules file's million rules are 24 MB
        return new Policy(name, egress.prefixes.freeze(), ingress.prefixes.freeze(), audit, packetSockets[0], egress.names, ingress.names);
    }

    /** One direction's rules of both kinds, as they are read; a rules file's in columns. */
    private static final class Rules {
        final RuleList prefixes = new RuleList();
        final List<NameRule> names = new ArrayList<>();

        boolean isEmpty() {
            return prefixes.isEmpty() && names.isEmpty();
        }
    }

    /**
     * Under --no-network ingress is denied too, which would drop the answers of the connections
     * --allow lets out: whatever egress may reach may answer (from any of its ports, to any of the
     * command's, since an answer arrives at an ephemeral port).
     */
    private static void answersFromAllowedDestinations(Rules egress, Rules ingress) {
        RuleList prefixes = egress.prefixes;
        for (int i = 0; i < prefixes.size(); i++) {
            if (prefixes.verdict(i) == Verdict.ALLOW) {
                ingress.prefixes.add(Verdict.ALLOW, prefixes.isIpv4(i), prefixes.high(i), prefixes.low(i), prefixes.length(i),
                        prefixes.protocol(i), 0, 0);
            }
        }
        for (NameRule rule : egress.names) {
            if (rule.verdict() == Verdict.ALLOW) {
                ingress.names.add(new NameRule(Verdict.ALLOW, rule.pattern(), rule.protocol(), null));
            }
        }
    }

    private static void add(Rules into, PacketSockets[] packetSockets, Verdict verdict, String option, List<String> texts) {
        for (String text : texts) {
            try {
                RuleLines.add(verdict, text, into.prefixes, into.names, packetSockets);
            } catch (RuleSyntaxException e) {
                throw new UsageException(option + ": " + e.getMessage());
            }
        }
    }

    private void readRulesFile(Rules egress, Rules ingress, PacketSockets[] packetSockets) {
        RulesFile.Rules rules;
        try {
            rules = RulesFile.read(rulesFile);
        } catch (PolicyFileException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new UsageException("--rules-file: cannot read " + rulesFile + ": " + e.getMessage());
        }
        egress.prefixes.addAll(rules.egress());
        egress.names.addAll(rules.egressNames());
        ingress.prefixes.addAll(rules.ingress());
        ingress.names.addAll(rules.ingressNames());
        if (rules.packetSocketsRule() != PacketSockets.BY_DEFAULT) {
            packetSockets[0] = rules.packetSocketsRule();
        }
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
