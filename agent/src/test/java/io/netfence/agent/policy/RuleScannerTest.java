package io.netfence.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The byte scanner against {@link RuleSyntax}: where it takes a rule, it is the rule RuleSyntax makes. */
class RuleScannerTest {
    private final RuleScanner scanner = new RuleScanner();

    /** Whether the scanner took the text, after checking that what it took is what RuleSyntax reads. */
    private boolean takenAsRuleSyntaxReadsIt(Verdict verdict, String text) {
        byte[] bytes = ("  " + text + "#").getBytes(StandardCharsets.ISO_8859_1); // a slice, as in a line
        RuleList list = new RuleList();
        boolean taken = scanner.add(verdict, bytes, 2, bytes.length - 1, list);
        List<Rule> expected;
        try {
            expected = RuleSyntax.parse(verdict, text);
        } catch (RuleSyntaxException e) {
            assertFalse(taken, () -> "took '" + text + "', which RuleSyntax refuses: " + e.getMessage());
            assertEquals(0, list.size());
            return false;
        }
        if (taken) {
            assertEquals(expected, List.copyOf(list), () -> "'" + text + "'");
            assertTrue(RuleSyntax.parseName(verdict, text).isEmpty(), text);
        } else {
            assertEquals(0, list.size(), text);
        }
        return taken;
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.18.0.2", "0.0.0.0/0", "198.19.1.2/15", "010.1.2.3", "255.255.255.255/32", "198.18.0.0/24:443/tcp",
        "198.18.0.2:1-65535", "198.18.0.2/icmp", "198.18.0.0/24/udp", "10.0.0.0/8:1000-2000", "198.18.0.2:000080",
        "fd00::2", "::", "::1", "fd00::/8", "1:2:3:4:5:6:7:8", "FD00:AbCd::0:1/64", "fd00:ffff::e:4240", "1::", "::ffff:198.18.0.2",
        "::ffff:c612:2/112", "::ffff:198.18.0.0/112", "64:ff9b::198.51.100.7", "[fd00::2]:53/udp", "[fd00::/64]:443/tcp",
        "[198.18.0.2]:80", "fd00::1/udp", "fd9b:0:7222:0:24fa:5153:648:0/82/udp", "1:2:3:4:5:6:1.2.3.4"})
    void theCommonFormsAreTaken(String text) {
        assertTrue(takenAsRuleSyntaxReadsIt(Verdict.DENY, text), text);
        assertTrue(takenAsRuleSyntaxReadsIt(Verdict.ALLOW, text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"any", "localhost:443/tcp", "own-loopback", "link-local", "api.example.test", "*.example.test:443",
        "[fd00::2]", "[fd00::2]/tcp", "packet-sockets", "",
        "198.18.0.300", "198.18.0.0/33", "198.18.0.0/", "198.18.0.0/0024", "198.18.0.0/5x", "1.2.3", "1.2.3.4.5", "1..2.3",
        "198.18.0.2:0", "198.18.0.2:65536", "198.18.0.2:20-10", "198.18.0.2:http", "198.18.0.2:", "198.18.0.2:-1",
        "198.18.0.2:1234567", "198.18.0.2:80/icmp", "198.18.0.2/TCP", "any/sctp", "198.18.0.2/sctp",
        "fd00::/129", ":1", "1:", "1:::2", "::1::2", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "12345::", "fd00::g",
        "[fd00::2", "[fd00::2]53", "::ffff:1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1a.2.3.4",
        "fd00:1", "198.18.0.2 ", " 198.18.0.2", "198.18.0.2#"})
    void otherFormsAndMistakesAreLeftToRuleSyntax(String text) {
        assertFalse(takenAsRuleSyntaxReadsIt(Verdict.DENY, text), text);
    }

    /** Texts near the grammar, mutated at random: every one the scanner takes must read the same both ways. */
    @Test
    void randomTextsAreTakenOnlyAsRuleSyntaxReadsThem() {
        Random random = new Random(20261130);
        String alphabet = ":./[]-0123456789abcdefABCDEFgx ";
        int taken = 0;
        int plain = 0;
        for (int i = 0; i < 200_000; i++) {
            String text = randomRule(random);
            boolean mutated = random.nextInt(3) == 0;
            if (mutated) {
                StringBuilder b = new StringBuilder(text);
                for (int m = 1 + random.nextInt(2); m > 0; m--) {
                    int at = random.nextInt(b.length() + 1);
                    switch (random.nextInt(3)) {
                        case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        case 1 -> {
                            if (at < b.length()) {
                                b.deleteCharAt(at);
                            }
                        }
                        default -> {
                            if (at < b.length()) {
                                b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                            }
                        }
                    }
                }
                text = b.toString();
            }
            boolean took = takenAsRuleSyntaxReadsIt(random.nextBoolean() ? Verdict.ALLOW : Verdict.DENY, text);
            taken += took ? 1 : 0;
            if (!mutated && isValid(text) && !took) {
                fail("a valid rule of the common forms was left to RuleSyntax: '" + text + "'");
            }
            plain += mutated ? 0 : 1;
        }
        assertTrue(taken > plain / 2, "taken " + taken + " of " + plain + " unmutated");
    }

    private static boolean isValid(String text) {
        try {
            return RuleSyntax.parse(Verdict.DENY, text).size() == 1;
        } catch (RuleSyntaxException e) {
            return false;
        }
    }

    /** A rule of the forms the scanner reads, with lengths and ports sometimes out of range. */
    private static String randomRule(Random random) {
        boolean ipv6 = random.nextBoolean();
        String address = ipv6 ? ipv6(random) : ipv4(random);
        int max = ipv6 ? 128 : 32;
        String prefix = random.nextInt(3) == 0 ? address : address + "/" + (random.nextInt(max + 6) - 2);
        String ports = switch (random.nextInt(6)) {
            case 0 -> ":" + port(random);
            case 1 -> ":" + port(random) + "-" + port(random);
            default -> "";
        };
        String protocol = switch (random.nextInt(8)) {
            case 0 -> "/tcp";
            case 1 -> "/udp";
            case 2 -> "/icmp";
            default -> "";
        };
        if (!ports.isEmpty() && ipv6) {
            prefix = "[" + prefix + "]";
        }
        return prefix + ports + protocol;
    }

    private static int port(Random random) {
        int[] edges = {0, 1, 53, 443, 65535, 65536, 999999};
        return random.nextBoolean() ? edges[random.nextInt(edges.length)] : random.nextInt(70000);
    }

    private static String ipv4(Random random) {
        StringBuilder b = new StringBuilder();
        for (int part = 0; part < 4; part++) {
            b.append(part == 0 ? "" : ".").append(random.nextInt(10) == 0 ? 250 + random.nextInt(10) : random.nextInt(256));
        }
        return b.toString();
    }

    /** Eight groups, some zero, written in full, with one run of zeros as '::', or with a dotted tail. */
    private static String ipv6(Random random) {
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = random.nextInt(3) == 0 ? 0 : random.nextInt(0x10000);
        }
        if (random.nextInt(8) == 0) {
            groups = new int[] {0, 0, 0, 0, 0, 0xffff, random.nextInt(0x10000), random.nextInt(0x10000)};
        }
        boolean dotted = random.nextInt(6) == 0;
        int last = dotted ? 6 : 8;
        int gapFrom = -1;
        int gapTo = -1;
        if (random.nextBoolean()) {
            gapFrom = random.nextInt(last);
            gapTo = gapFrom + random.nextInt(last - gapFrom) + 1;
            for (int g = gapFrom; g < gapTo; g++) {
                groups[g] = 0;
            }
        }
        StringBuilder b = new StringBuilder();
        for (int g = 0; g < last; g++) {
            if (g == gapFrom) {
                b.append("::");
                g = gapTo - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            String hex = Integer.toHexString(groups[g]);
            b.append(random.nextInt(10) == 0 ? hex.toUpperCase() : hex);
        }
        if (dotted) {
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(random.nextInt(256)).append('.').append(random.nextInt(256)).append('.')
                    .append(random.nextInt(256)).append('.').append(random.nextInt(256));
        }
        return b.toString();
    }
}
