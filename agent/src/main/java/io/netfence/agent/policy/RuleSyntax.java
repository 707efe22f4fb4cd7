package io.netfence.agent.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rule syntax shared by the CLI and policy files: {@code PREFIX[:PORT[-PORT]][/PROTO]}, IPv6
 * in brackets when a port follows. PREFIX is an address, a CIDR prefix or a keyword:
 * {@code any}, {@code localhost}, {@code link-local}, {@code multicast} (each meaning its IPv4
 * and its IPv6 prefix, as in systemd's IPAddressAllow=), and {@code own-loopback}, allowed only:
 * loopback to the confinement's own processes (see {@link Verdict#ALLOW_OWN}). The policy key
 * {@code packet-sockets} is not a rule of this syntax: see {@link PacketSockets}.
 */
public final class RuleSyntax {
    private static final Map<String, List<String>> KEYWORDS = Map.of(
            "any", List.of("0.0.0.0/0", "::/0"),
            "localhost", List.of("127.0.0.0/8", "::1/128"),
            "link-local", List.of("169.254.0.0/16", "fe80::/64"),
            "multicast", List.of("224.0.0.0/4", "ff00::/8"));

    public static final String OWN_LOOPBACK = "own-loopback";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Pattern PORTS = Pattern.compile("[0-9]{1,6}(-[0-9]{1,6})?");

    private RuleSyntax() {}

    /** A rule written after its action word, as in "allow RULE": policy files and rules files hold them so. */
    public record Action(String word, String rule) {
        public Optional<Verdict> verdict() {
            return verdictOf(word);
        }
    }

    /** The verdict of the action "allow" or "deny"; empty for any other word. */
    public static Optional<Verdict> verdictOf(String action) {
        return switch (action) {
            case "allow" -> Optional.of(Verdict.ALLOW);
            case "deny" -> Optional.of(Verdict.DENY);
            default -> Optional.empty();
        };
    }

    /** Splits "ACTION RULE" at its first whitespace; empty when there is no rule after the action. */
    public static Optional<Action> splitAction(String text) {
        String[] words = text.strip().split("\\s+", 2);
        return words.length == 2 ? Optional.of(new Action(words[0], words[1])) : Optional.empty();
    }

    /**
     * Parses one rule of either kind into {@code rules} or {@code names}: a name-shaped PREFIX
     * that is not a keyword ({@code api.example.test}, {@code *.example.test}) is a name rule.
     *
     * @throws RuleSyntaxException naming the rule text and what is wrong with it
     */
    public static void parseInto(Verdict verdict, String text, List<Rule> rules, List<NameRule> names) {
        Optional<NameRule> name = parseName(verdict, text);
        if (name.isPresent()) {
            names.add(name.get());
        } else {
            rules.addAll(parse(verdict, text));
        }
    }

    /** The name rule the text is, or empty when it is an address rule (or a keyword). */
    public static Optional<NameRule> parseName(Verdict verdict, String text) {
        try {
            Split split = split(text.trim());
            String host = split.prefix();
            boolean nameShaped = host.contains(".") && (host.startsWith("*.") || Character.isLetter(host.charAt(0)))
                    && NAME.matcher(host.startsWith("*.") ? host.substring(2) : host).matches();
            if (!nameShaped) {
                return Optional.empty();
            }
            return Optional.of(new NameRule(verdict, NamePattern.parse(host), split.protocol(),
                    split.ports() == null ? null : parsePorts(split.ports())));
        } catch (IllegalArgumentException e) {
            throw new RuleSyntaxException(text, e.getMessage());
        }
    }

    private record Split(String prefix, String ports, Protocol protocol) {}

    /** PREFIX[:PORTS][/PROTO] into its parts, unchecked but the protocol. */
    private static Split split(String text) {
        String rest = text;
        Protocol protocol = null;
        int slash = rest.lastIndexOf('/');
        if (slash >= 0 && slash + 1 < rest.length() && Character.isLetter(rest.charAt(slash + 1))) {
            String name = rest.substring(slash + 1);
            protocol = Protocol.parse(name);
            if (protocol == null) {
                throw new IllegalArgumentException("unknown protocol '" + name + "' (expected tcp, udp or icmp)");
            }
            rest = rest.substring(0, slash);
        }
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' after the IPv6 address");
            }
            String after = rest.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new IllegalArgumentException("expected ':PORT' after ']', found '" + after + "'");
            }
            return new Split(rest.substring(1, close), after.isEmpty() ? null : after.substring(1), protocol);
        }
        int colon = rest.indexOf(':');
        if (colon >= 0 && colon == rest.lastIndexOf(':')) {
            return new Split(rest.substring(0, colon), rest.substring(colon + 1), protocol);
        }
        return new Split(rest, null, protocol); // no port, or an IPv6 prefix without brackets
    }

    /**
     * Parses one rule; a keyword yields one rule per address family.
     *
     * @throws RuleSyntaxException naming the rule text and what is wrong with it
     */
    public static List<Rule> parse(Verdict verdict, String text) {
        try {
            return parseUnchecked(verdict, text.trim());
        } catch (IllegalArgumentException e) {
            throw new RuleSyntaxException(text, e.getMessage());
        }
    }

    private static List<Rule> parseUnchecked(Verdict verdict, String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty rule");
        }
        Split split = split(text);
        String prefixText = split.prefix();
        Protocol protocol = split.protocol();
        String portText = split.ports();

        PortRange ports = portText == null ? null : parsePorts(portText);
        List<Rule> rules = new ArrayList<>();
        if (prefixText.equals(OWN_LOOPBACK)) {
            if (verdict == Verdict.DENY) {
                throw new IllegalArgumentException("'" + OWN_LOOPBACK + "' can only be allowed (to deny loopback, deny localhost)");
            }
            if (ports != null || protocol != null) {
                throw new IllegalArgumentException("'" + OWN_LOOPBACK + "' takes no port or protocol");
            }
            for (String prefix : KEYWORDS.get("localhost")) {
                rules.add(new Rule(Verdict.ALLOW_OWN, IpPrefix.parse(prefix), null, null));
            }
            return rules;
        }
        List<String> expansion = KEYWORDS.get(prefixText);
        if (expansion != null) {
            for (String prefix : expansion) {
                rules.add(new Rule(verdict, IpPrefix.parse(prefix), protocol, ports));
            }
        } else if (prefixText.indexOf(':') < 0 && !prefixText.isEmpty() && Character.isLetter(prefixText.charAt(0))
                && NAME.matcher(prefixText).matches()) {
            throw new IllegalArgumentException("unknown keyword '" + prefixText + "' (expected an address, a prefix, "
                    + "a host name with a dot, any, localhost, own-loopback, link-local or multicast)");
        } else {
            rules.add(new Rule(verdict, IpPrefix.parse(prefixText), protocol, ports));
        }
        return rules;
    }

    private static PortRange parsePorts(String text) {
        if (!PORTS.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a port or port range (PORT or PORT-PORT)");
        }
        String[] bounds = text.split("-");
        int from = Integer.parseInt(bounds[0]);
        int to = bounds.length > 1 ? Integer.parseInt(bounds[1]) : from;
        for (int port : new int[] {from, to}) {
            if (port < 1 || port > PortRange.MAX) {
                throw new IllegalArgumentException("port " + port + " is out of range (1-65535)");
            }
        }
        if (from > to) {
            throw new IllegalArgumentException("port range " + text + " is reversed");
        }
        return new PortRange(from, to);
    }

    /**
     * The rules as text, one line per rule, except that the two rules a keyword expands to with
     * the same text (own-loopback) are one line; {@link #parse} reads the lines back to the rules.
     */
    public static List<String> texts(List<Rule> rules) {
        List<String> texts = new ArrayList<>(rules.size());
        for (Rule rule : rules) {
            String text = rule.toString();
            if (texts.isEmpty() || !texts.get(texts.size() - 1).equals(text) || rule.verdict() != Verdict.ALLOW_OWN) {
                texts.add(text);
            }
        }
        return texts;
    }

    /** The text form of a rule's match part, which {@link #parse} reads back to the same rule. */
    public static String format(Rule rule) {
        if (rule.verdict() == Verdict.ALLOW_OWN) {
            return OWN_LOOPBACK;
        }
        IpPrefix prefix = rule.prefix();
        int hostLength = prefix.isIpv4() ? 32 : 128;
        String address = prefix.length() == hostLength ? prefix.addressText() : prefix.toString();
        StringBuilder out = new StringBuilder();
        if (rule.ports() != null && !prefix.isIpv4()) {
            out.append('[').append(address).append(']');
        } else {
            out.append(address);
        }
        if (rule.ports() != null) {
            out.append(':').append(rule.ports());
        }
        if (rule.protocol() != null) {
            out.append('/').append(rule.protocol().keyword());
        }
        return out.toString();
    }
}
