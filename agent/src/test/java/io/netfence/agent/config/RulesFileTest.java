package io.netfence.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netfence.agent.policy.Rule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesFileTest {
    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("rules.txt"), bytes);
    }

    private Path file(String text) throws IOException {
        return file(text.getBytes(StandardCharsets.UTF_8));
    }

    private String refusal(Path file) {
        return refusal(file, PolicyLimits.MAX_RULES_FILE_BYTES, PolicyLimits.MAX_RULES_FILE_RULES);
    }

    private String refusal(Path file, long maxBytes, int maxRules) {
        List<String> errors = assertThrows(PolicyFileException.class, () -> RulesFile.read(file, maxBytes, maxRules)).errors();
        assertEquals(1, errors.size(), errors.toString());
        return errors.get(0);
    }

    @Test
    void rulesCommentsCrlfAndALastLineWithoutNewline() throws Exception {
        RulesFile.Rules rules = RulesFile.read(file("# list\r\ndeny any # all\r\n\r\n  allow 198.18.0.2:443/tcp\ningress-allow 198.18.0.0/15:22/tcp"));
        assertEquals(List.of("deny 0.0.0.0/0", "deny ::/0", "allow 198.18.0.2:443/tcp"), rules.egress().stream().map(Rule::toString).toList());
        assertEquals(1, rules.ingress().size());
    }

    @Test
    void aBadLineIsNamedWithFileAndLine() throws Exception {
        Path f = file("deny any\nallow 198.18.0.2:443/tcp\nalow 198.18.0.3\n");
        assertEquals(f + ":3: unknown action 'alow' (expected allow, deny, ingress-allow or ingress-deny)", refusal(f));
        f = file("deny any\nallow 198.18.0.2:99999\n");
        assertEquals(f + ":2: invalid rule '198.18.0.2:99999'", refusal(f).substring(0, (f + ":2: invalid rule '198.18.0.2:99999'").length()));
        f = file("deny any\nallow two words\n");
        assertEquals(f + ":2: expected 'allow|deny|ingress-allow|ingress-deny RULE', found 'allow two words'", refusal(f));
    }

    @Test
    void textMustBeUtf8WithoutControlCharactersOrOverlongLines() throws Exception {
        Path f = file(new byte[] {'d', 'e', 'n', 'y', ' ', 'a', 'n', 'y', '\n', 'd', 'e', 'n', 'y', ' ', (byte) 0xe9, '\n'});
        assertEquals(f + ":2:6: not UTF-8 (policy sources must be UTF-8 text)", refusal(f));
        f = file("deny any\ndeny 198.18.0.1\u0000\n");
        assertEquals(f + ":2:16: control character U+0000 is not allowed", refusal(f));
        f = file("deny any\n# " + "x".repeat(PolicyLimits.MAX_LINE_CHARS) + "\n");
        assertEquals(f + ":2: line longer than " + PolicyLimits.MAX_LINE_CHARS + " characters", refusal(f));
        f = file("deny any\n" + "#".repeat(1 << 20));
        assertEquals(f + ":2: line longer than " + PolicyLimits.MAX_LINE_CHARS + " characters", refusal(f));
    }

    /** Lines of every shape; a non-ASCII comment sends a line through the text path instead of the byte scanner. */
    private static final List<String> SHAPES = List.of("deny 198.18.0.1", "\tallow\t198.18.0.0/15:443/tcp\r", "deny 198.18.0.2#why",
            "   ", "# only a comment", "ingress-deny fd00::/8", "ingress-allow [fd00::2]:22/tcp", "deny any", "allow own-loopback",
            "allow packet-sockets", "deny ::ffff:198.18.0.9", "deny 64:ff9b::198.51.100.7/120/udp", "allow 198.18.0.3/icmp",
            "deny [fd00::2]", "deny localhost:53", "deny  \t fd00:ffff::e:4240  # a host", "allow 198.18.0.0/24:1-1023",
            "deny api.example.test", "ingress-allow *.example.test:443/tcp", "");

    @Test
    void linesReadFromBytesAreTheLinesReadAsText() throws Exception {
        StringBuilder plain = new StringBuilder();
        StringBuilder decoded = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            String line = SHAPES.get(i % SHAPES.size());
            plain.append(line).append('\n');
            decoded.append(line).append(" #\u00e9\n");
        }
        RulesFile.Rules fast = RulesFile.read(file(plain.toString()));
        RulesFile.Rules slow = RulesFile.read(Files.writeString(dir.resolve("decoded.txt"), decoded.toString()));
        assertEquals(slow.egress(), fast.egress());
        assertEquals(slow.ingress(), fast.ingress());
        assertEquals(slow.egressNames(), fast.egressNames());
        assertEquals(slow.ingressNames(), fast.ingressNames());
        assertEquals(slow.packetSocketsRule(), fast.packetSocketsRule());
        assertEquals(2250, fast.egress().size());
    }

    @Test
    void linesAcrossReadsAreWholeAndCounted() throws Exception {
        StringBuilder text = new StringBuilder();
        int lines = 300_000; // about 5 MiB: lines straddle the reader's 1 MiB buffer
        for (int i = 1; i < lines; i++) {
            text.append("deny 198.19.").append(i >> 8 & 255).append('.').append(i & 255).append(i % 7 == 0 ? "  # seven\n" : "\n");
        }
        text.append("deny 198.19.0.300\n");
        Path f = file(text.toString());
        assertEquals(f + ":" + lines + ": invalid rule '198.19.0.300': '198.19.0.300' is not an IPv4 address", refusal(f));
        Files.writeString(f, text.substring(0, text.length() - "deny 198.19.0.300\n".length()) + "deny fd00::1");
        RulesFile.Rules rules = RulesFile.read(f);
        assertEquals(lines, rules.egress().size());
        assertEquals("deny 198.19.4.147", rules.egress().get(1170).toString());
        assertEquals("deny fd00::1", rules.egress().get(lines - 1).toString());
    }

    @Test
    void aThirdWordOrAMissingRuleIsRefusedAsBefore() throws Exception {
        Path f = file("deny 198.18.0.1 198.18.0.2\n");
        assertEquals(f + ":1: expected 'allow|deny|ingress-allow|ingress-deny RULE', found 'deny 198.18.0.1 198.18.0.2'", refusal(f));
        f = file("deny#198.18.0.1\n");
        assertEquals(f + ":1: expected 'allow|deny|ingress-allow|ingress-deny RULE', found 'deny'", refusal(f));
        f = file("ingress-deny fd00::2:80\ningress-deny [fd00::2]:80/icmp\n");
        assertEquals(f + ":2: invalid rule '[fd00::2]:80/icmp': ports apply to tcp and udp only, not icmp", refusal(f));
    }

    @Test
    void sizeAndRuleCountAreBounded() throws Exception {
        Path f = file("deny 198.18.0.1\ndeny 198.18.0.2\ndeny any\n");
        assertEquals(f + ": 41 bytes; the limit is 40 bytes per rules file", refusal(f, 40, 100));
        assertEquals(f + ":3: more than 3 rules; the limit is 3 per rules file", refusal(f, 100, 3));
        assertEquals(4, RulesFile.read(f, 41, 4).egress().size());
    }
}
