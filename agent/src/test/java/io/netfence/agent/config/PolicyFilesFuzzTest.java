package io.netfence.agent.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutator over valid policy files: whatever the bytes, parsing either gives policies or
 * refuses with messages that name the file and stay readable; it never throws anything else,
 * overflows its stack or runs away. A failure prints the seed and case to replay it.
 */
class PolicyFilesFuzzTest {
    private static final long SEED = 0x6e6574666e6365L;
    private static final int CASES = 20_000;
    private static final String[] SEEDS = {
        """
        policies:
          - name: payments
            target: payments.service
            mode: audit
            egress:
              - deny any
              - allow 198.18.0.0/15:443/tcp
              - allow [fd00::1]:53/udp
            ingress: [allow 198.18.0.0/15:22/tcp, deny 198.18.1.1/icmp]
          - name: batch
            target: /system.slice/batch-*.service
            egress: [deny any, allow localhost]
        """,
        "policies: [{name: a, target: /a.slice, egress: ['allow any', 'deny 10.0.0.0/8:1-1024']}]\n",
    };
    private static final String[] FRAGMENTS = {
        "[", "]", "{", "}", ":", "- ", "\n", "  ", "&a ", "*a", "!!str ", "'", "\"", "#", "|", "\t", "\0", "\u2028",
        "\ufeff", "policies:", "egress:", "name:", "allow ", "deny ", "any", "::", "/129", ":65536", "---\n", "...\n", "? ",
        "<<: *a", "%YAML 1.1\n", "\\x", "\ud800",
    };

    @Test
    void mutatedFilesAreParsedOrRefusedCleanly() {
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            String text = mutate(random, SEEDS[random.nextInt(SEEDS.length)]);
            try {
                PolicyFiles.parse(Map.of("fuzz.yaml", text));
            } catch (PolicyFileException refused) {
                for (String error : refused.errors()) {
                    assertTrue(error.length() <= PolicyLimits.MAX_MESSAGE_CHARS + 40, "case " + i + ": too long: " + error);
                    assertTrue(error.startsWith("fuzz.yaml") || error.matches("\\d+ policies;.*|\\.\\.\\. and \\d+ more errors"),
                            "case " + i + ": names no file: " + error);
                }
            } catch (RuntimeException | StackOverflowError e) {
                fail("seed " + SEED + " case " + i + " threw " + e + " for:\n" + text, e);
            }
        }
    }

    private static String mutate(Random random, String seed) {
        StringBuilder text = new StringBuilder(seed);
        int mutations = 1 + random.nextInt(6);
        for (int m = 0; m < mutations; m++) {
            int at = text.isEmpty() ? 0 : random.nextInt(text.length());
            switch (random.nextInt(6)) {
                case 0 -> text.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                case 1 -> {
                    if (!text.isEmpty()) {
                        text.deleteCharAt(at);
                    }
                }
                case 2 -> text.setLength(at);
                case 3 -> text.insert(at, text.substring(at, Math.min(text.length(), at + random.nextInt(80))));
                case 4 -> text.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)].repeat(1 + random.nextInt(3000)));
                default -> {
                    if (!text.isEmpty()) {
                        text.setCharAt(Math.min(at, text.length() - 1), (char) random.nextInt(0x3000));
                    }
                }
            }
        }
        return text.toString();
    }
}
