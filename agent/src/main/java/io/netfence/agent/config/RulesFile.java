package io.netfence.agent.config;

import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleLines;
import io.netfence.agent.policy.RuleList;
import io.netfence.agent.policy.RuleScanner;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.RuleSyntaxException;
import io.netfence.agent.policy.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A rules file: one rule a line, {@code allow|deny|ingress-allow|ingress-deny RULE}, {@code #}
 * starts a comment. Read as a stream, line by line, within {@link PolicyLimits}: size, line
 * length, count of rules, UTF-8 without control characters. A refusal names FILE:LINE.
 */
public final class RulesFile {
    private static final Pattern WHITESPACE = Pattern.compile("\\s");
    private static final String INGRESS = "ingress-";
    /** A line of MAX_LINE_CHARS characters is at most four bytes each. */
    private static final int MAX_LINE_BYTES = 4 * PolicyLimits.MAX_LINE_CHARS;
    /** Room for many lines a read: a longer line than MAX_LINE_BYTES is refused before it fills it. */
    private static final int BUFFER_BYTES = 1 << 20;
    /** Bytes of a line of a large list ("deny 198.51.100.7" and longer): the egress rules' first capacity. */
    private static final int TYPICAL_LINE_BYTES = 20;

    /**
     * @param packetSockets what a packet-sockets line said; BY_DEFAULT where none did
     * @param egressNames   name rules of egress ({@code allow api.example.test:443/tcp})
     * @param ingressNames  name rules of ingress
     */
    public record Rules(List<Rule> egress, List<Rule> ingress, PacketSockets[] packetSockets,
                        List<NameRule> egressNames, List<NameRule> ingressNames) {
        public PacketSockets packetSocketsRule() {
            return packetSockets[0];
        }
    }

    private final String source;
    private final long maxBytes;
    private final int maxRules;
    private final RuleList egress;
    private final RuleList ingress = new RuleList(16);
    private final Rules rules;
    private final RuleScanner scanner = new RuleScanner();
    private int line;

    private RulesFile(Path file, long size, long maxBytes, int maxRules) {
        this.source = file.toString();
        this.maxBytes = maxBytes;
        this.maxRules = maxRules;
        this.egress = new RuleList((int) Math.min(size / TYPICAL_LINE_BYTES, maxRules) + 16);
        this.rules = new Rules(egress, ingress, new PacketSockets[] {PacketSockets.BY_DEFAULT}, new ArrayList<>(), new ArrayList<>());
    }

    /** @throws PolicyFileException with the one reason the file is refused */
    public static Rules read(Path file) throws PolicyFileException, IOException {
        return read(file, PolicyLimits.MAX_RULES_FILE_BYTES, PolicyLimits.MAX_RULES_FILE_RULES);
    }

    /** With other limits, so that tests need not write 128 MiB. */
    static Rules read(Path file, long maxBytes, int maxRules) throws PolicyFileException, IOException {
        long size = Files.size(file);
        if (size > maxBytes) {
            throw refused(file + ": " + size + " bytes; the limit is " + maxBytes + " bytes per rules file");
        }
        RulesFile reader = new RulesFile(file, size, maxBytes, maxRules);
        try (InputStream in = Files.newInputStream(file)) {
            reader.readLines(in);
        }
        return reader.rules;
    }

    /**
     * Lines are read where they lie in the buffer, in the pass that finds their end and whether
     * they are printable ASCII; the part of one at the buffer's end moves to the front.
     */
    private void readLines(InputStream in) throws IOException, PolicyFileException {
        byte[] buffer = new byte[BUFFER_BYTES];
        int filled = 0;
        long total = 0;
        boolean printable = true;
        for (int n = in.read(buffer, filled, buffer.length - filled); n > 0; n = in.read(buffer, filled, buffer.length - filled)) {
            total += n;
            if (total > maxBytes) { // grew while read
                throw refused(source + ": more than " + maxBytes + " bytes; the limit is " + maxBytes + " bytes per rules file");
            }
            int start = 0;
            for (int i = filled; i < filled + n; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    line(buffer, start, i, printable);
                    start = i + 1;
                    printable = true;
                } else if ((b < 0x20 && b != '\t' && b != '\r') || b == 0x7f) { // b < 0: not ASCII
                    printable = false;
                }
            }
            filled += n;
            if (filled - start > MAX_LINE_BYTES) {
                throw refused(source + ":" + (line + 1) + ": line longer than " + PolicyLimits.MAX_LINE_CHARS + " characters");
            }
            System.arraycopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
        }
        if (filled > 0) {
            line(buffer, 0, filled, printable);
        }
    }

    private void line(byte[] bytes, int from, int to, boolean printableAscii) throws PolicyFileException {
        line++;
        if (to - from > MAX_LINE_BYTES) {
            throw refused(source + ":" + line + ": line longer than " + PolicyLimits.MAX_LINE_CHARS + " characters");
        }
        String text;
        if (printableAscii) { // nearly every line: no decoder needed
            if (to - from > PolicyLimits.MAX_LINE_CHARS) {
                throw refused(source + ":" + line + ": line longer than " + PolicyLimits.MAX_LINE_CHARS + " characters");
            }
            if (scanned(bytes, from, to)) {
                return;
            }
            text = new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        } else {
            PolicyText.Text decoded = PolicyText.decodeLine(source, line, Arrays.copyOfRange(bytes, from, to));
            if (!decoded.ok()) {
                throw refused(decoded.refusal());
            }
            text = decoded.text();
        }
        parsed(text);
    }

    /**
     * The common line, {@code ACTION ADDRESS-RULE [# comment]} or blank, read from the bytes in
     * one pass; false for any other, which {@link #parsed} reads (and refuses where it is wrong).
     */
    private boolean scanned(byte[] bytes, int from, int to) throws PolicyFileException {
        int wordFrom = blanksEnd(bytes, from, to);
        int wordTo = wordEnd(bytes, wordFrom, to);
        int ruleFrom = blanksEnd(bytes, wordTo, to);
        int ruleTo = wordEnd(bytes, ruleFrom, to);
        int rest = blanksEnd(bytes, ruleTo, to);
        if (rest < to && bytes[rest] != '#') {
            return false; // a third word
        }
        if (wordFrom == wordTo) {
            return true; // blank or only a comment
        }
        boolean ingressRule = startsWith(bytes, wordFrom, wordTo, INGRESS);
        int verdictFrom = ingressRule ? wordFrom + INGRESS.length() : wordFrom;
        Verdict verdict = is(bytes, verdictFrom, wordTo, "deny") ? Verdict.DENY
                : is(bytes, verdictFrom, wordTo, "allow") ? Verdict.ALLOW : null;
        if (verdict == null || ruleFrom == ruleTo || !scanner.add(verdict, bytes, ruleFrom, ruleTo, ingressRule ? ingress : egress)) {
            return false;
        }
        checkCount();
        return true;
    }

    /** Any line, as text. */
    private void parsed(String text) throws PolicyFileException {
        int comment = text.indexOf('#');
        text = (comment >= 0 ? text.substring(0, comment) : text).strip();
        if (text.isEmpty()) {
            return;
        }
        String where = source + ":" + line + ": ";
        Optional<RuleSyntax.Action> action = RuleSyntax.splitAction(text);
        if (action.isEmpty() || WHITESPACE.matcher(action.get().rule()).find()) {
            throw refused(where + "expected 'allow|deny|ingress-allow|ingress-deny RULE', found '" + text + "'");
        }
        String word = action.get().word();
        boolean ingressRule = word.startsWith(INGRESS);
        Optional<Verdict> verdict = RuleSyntax.verdictOf(ingressRule ? word.substring(INGRESS.length()) : word);
        if (verdict.isEmpty()) {
            throw refused(where + "unknown action '" + word + "' (expected allow, deny, ingress-allow or ingress-deny)");
        }
        try {
            RuleLines.add(verdict.get(), action.get().rule(), ingressRule ? ingress : egress,
                    ingressRule ? rules.ingressNames() : rules.egressNames(), ingressRule ? null : rules.packetSockets());
        } catch (RuleSyntaxException e) {
            throw refused(where + e.getMessage());
        }
        checkCount();
    }

    private void checkCount() throws PolicyFileException {
        if (egress.size() + ingress.size() + rules.egressNames().size() + rules.ingressNames().size() > maxRules) {
            throw refused(source + ":" + line + ": more than " + maxRules + " rules; the limit is " + maxRules + " per rules file");
        }
    }

    private static int blanksEnd(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to && isBlank(bytes[i])) {
            i++;
        }
        return i;
    }

    /** Where the word at {@code from} ends: at a blank, a comment or the line's end. */
    private static int wordEnd(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to && !isBlank(bytes[i]) && bytes[i] != '#') {
            i++;
        }
        return i;
    }

    /** The whitespace a printable ASCII line can hold, as String.strip and the split at \\s+ see it. */
    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    private static boolean startsWith(byte[] bytes, int from, int to, String prefix) {
        return to - from >= prefix.length() && is(bytes, from, from + prefix.length(), prefix);
    }

    private static boolean is(byte[] bytes, int from, int to, String word) {
        if (to - from != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (bytes[from + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static PolicyFileException refused(String reason) {
        return new PolicyFileException(List.of(reason));
    }
}
