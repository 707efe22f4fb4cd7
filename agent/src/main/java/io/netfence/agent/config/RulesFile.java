package io.netfence.agent.config;

import io.netfence.agent.policy.NameRule;
import io.netfence.agent.policy.PacketSockets;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleLines;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.RuleSyntaxException;
import io.netfence.agent.policy.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private final Rules rules = new Rules(new ArrayList<>(), new ArrayList<>(), new PacketSockets[] {PacketSockets.BY_DEFAULT},
            new ArrayList<>(), new ArrayList<>());
    private int line;

    private RulesFile(Path file, long maxBytes, int maxRules) {
        this.source = file.toString();
        this.maxBytes = maxBytes;
        this.maxRules = maxRules;
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
        RulesFile reader = new RulesFile(file, maxBytes, maxRules);
        try (InputStream in = Files.newInputStream(file)) {
            reader.readLines(in);
        }
        return reader.rules;
    }

    private void readLines(InputStream in) throws IOException, PolicyFileException {
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        long total = 0;
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
            total += n;
            if (total > maxBytes) { // grew while read
                throw refused(source + ": more than " + maxBytes + " bytes; the limit is " + maxBytes + " bytes per rules file");
            }
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    append(current, buffer, start, i - start);
                    line(current.toByteArray());
                    current.reset();
                    start = i + 1;
                }
            }
            append(current, buffer, start, n - start);
        }
        if (current.size() > 0) {
            line(current.toByteArray());
        }
    }

    private void append(ByteArrayOutputStream current, byte[] buffer, int start, int length) throws PolicyFileException {
        if (current.size() + length > MAX_LINE_BYTES) {
            throw refused(source + ":" + (line + 1) + ": line longer than " + PolicyLimits.MAX_LINE_CHARS + " characters");
        }
        current.write(buffer, start, length);
    }

    private void line(byte[] bytes) throws PolicyFileException {
        line++;
        String text;
        if (printableAscii(bytes)) { // nearly every line: no decoder needed
            if (bytes.length > PolicyLimits.MAX_LINE_CHARS) {
                throw refused(source + ":" + line + ": line longer than " + PolicyLimits.MAX_LINE_CHARS + " characters");
            }
            text = new String(bytes, StandardCharsets.ISO_8859_1);
        } else {
            PolicyText.Text decoded = PolicyText.decodeLine(source, line, bytes);
            if (!decoded.ok()) {
                throw refused(decoded.refusal());
            }
            text = decoded.text();
        }
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
        boolean ingress = word.startsWith(INGRESS);
        Optional<Verdict> verdict = RuleSyntax.verdictOf(ingress ? word.substring(INGRESS.length()) : word);
        if (verdict.isEmpty()) {
            throw refused(where + "unknown action '" + word + "' (expected allow, deny, ingress-allow or ingress-deny)");
        }
        try {
            RuleLines.add(verdict.get(), action.get().rule(), ingress ? rules.ingress() : rules.egress(),
                    ingress ? rules.ingressNames() : rules.egressNames(), ingress ? null : rules.packetSockets());
        } catch (RuleSyntaxException e) {
            throw refused(where + e.getMessage());
        }
        if (rules.egress().size() + rules.ingress().size() + rules.egressNames().size() + rules.ingressNames().size() > maxRules) {
            throw refused(where + "more than " + maxRules + " rules; the limit is " + maxRules + " per rules file");
        }
    }

    private static boolean printableAscii(byte[] bytes) {
        for (byte b : bytes) {
            if ((b < 0x20 && b != '\t' && b != '\r') || b >= 0x7f || b < 0) {
                return false;
            }
        }
        return true;
    }

    private static PolicyFileException refused(String reason) {
        return new PolicyFileException(List.of(reason));
    }
}
