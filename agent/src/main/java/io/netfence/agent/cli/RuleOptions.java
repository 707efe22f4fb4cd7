package io.netfence.agent.cli;

import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.RuleSyntaxException;
import io.netfence.agent.policy.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** The policy options of {@code run} and {@code attach}. */
public final class RuleOptions {
    private static final Pattern WHITESPACE = Pattern.compile("\\s");
    private static final String INGRESS = "ingress-";

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
        return new Policy(name, egress.prefixes, ingress.prefixes, audit, packetSockets[0], egress.names, ingress.names);
    }

    /** One direction's rules of both kinds, as they are read. */
    private static final class Rules {
        final List<Rule> prefixes = new ArrayList<>();
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
        for (Rule rule : egress.prefixes) {
            if (rule.verdict() == Verdict.ALLOW) {
                ingress.prefixes.add(new Rule(Verdict.ALLOW, rule.prefix(), rule.protocol(), null));
            }
        }
        for (NameRule rule : egress.names) {
            if (rule.verdict() == Verdict.ALLOW) {
                ingress.names.add(new NameRule(Verdict.ALLOW, rule.pattern(), rule.protocol(), null));
            }
        }
    }

    /**
     * Adds one rule; {@code packetSockets} takes an egress packet-sockets rule, and is null where
     * none may stand.
     */
    private static void addRule(Rules into, PacketSockets[] packetSockets, Verdict verdict, String text) {
        if (PacketSockets.isKeyword(text)) {
            if (packetSockets == null) {
                throw new RuleSyntaxException(text, "'" + PacketSockets.KEYWORD + "' is an egress rule");
            }
            packetSockets[0] = PacketSockets.of(verdict);
            return;
        }
        RuleSyntax.parseInto(verdict, text, into.prefixes, into.names);
    }

    private static void add(Rules into, PacketSockets[] packetSockets, Verdict verdict, String option, List<String> texts) {
        for (String text : texts) {
            try {
                addRule(into, packetSockets, verdict, text);
            } catch (RuleSyntaxException e) {
                throw new UsageException(option + ": " + e.getMessage());
            }
        }
    }

    private void readRulesFile(Rules egress, Rules ingress, PacketSockets[] packetSockets) {
        List<String> lines;
        try {
            lines = Files.readAllLines(rulesFile);
        } catch (IOException e) {
            throw new UsageException("--rules-file: cannot read " + rulesFile + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            line = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = rulesFile + ":" + (i + 1) + ": ";
            Optional<RuleSyntax.Action> action = RuleSyntax.splitAction(line);
            if (action.isEmpty() || WHITESPACE.matcher(action.get().rule()).find()) {
                throw new UsageException(where + "expected 'allow|deny|ingress-allow|ingress-deny RULE', found '" + line + "'");
            }
            String word = action.get().word();
            boolean isIngress = word.startsWith(INGRESS);
            Verdict verdict = RuleSyntax.verdictOf(isIngress ? word.substring(INGRESS.length()) : word)
                    .orElseThrow(() -> new UsageException(where + "unknown action '" + word
                            + "' (expected allow, deny, ingress-allow or ingress-deny)"));
            try {
                addRule(isIngress ? ingress : egress, isIngress ? null : packetSockets, verdict, action.get().rule());
            } catch (RuleSyntaxException e) {
                throw new UsageException(where + e.getMessage());
            }
        }
    }
}
