package io.netfence.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The rules files of the 1M-prefix measurements. {@code hosts}: what bench/run.py's
 * deny_prefixes writes, /32s in 198.19.0.0/16 then /128s in fd00:ffff::/32, one {@code deny} a
 * line. {@code mixed}: keywords, comments, blank lines, IPv4 and IPv6 prefixes of every length in
 * full, compressed and mapped forms, allow and deny, ingress, and one rule in ten with ports or a
 * protocol, from a fixed seed.
 */
final class LargeRulesFiles {
    private static final String[] PORTS = {":443/tcp", ":53/udp", ":8000-8999", "/icmp", ":22/tcp", "/udp", ":1-1023/tcp"};

    private LargeRulesFiles() {}

    static Path write(String kind, int rules, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            switch (kind) {
                case "hosts" -> hosts(rules, out);
                case "mixed" -> mixed(rules, out);
                default -> throw new IllegalArgumentException("unknown kind '" + kind + "' (expected hosts or mixed)");
            }
        }
        return file;
    }

    private static void hosts(int rules, BufferedWriter out) throws IOException {
        int v4 = Math.min(rules, 65535);
        for (int i = 1; i <= v4; i++) {
            out.write("deny 198.19." + (i >> 8) + "." + (i & 255) + "\n");
        }
        for (long i = 0; i < rules - v4; i++) {
            out.write(i == 0 ? "deny fd00:ffff::\n" : "deny fd00:ffff::" + (i >= 65536 ? Long.toHexString(i >>> 16) + ":" : "") + Long.toHexString(i & 0xffff) + "\n");
        }
    }

    private static void mixed(int rules, BufferedWriter out) throws IOException {
        Random random = new Random(20261201);
        out.write("# a mixed list: keywords, prefixes of every length, ports\ndeny any\nallow localhost\n"
                + "ingress-deny any\ningress-allow 198.18.0.0/15:22/tcp\nallow own-loopback\n\n");
        for (int i = 4; i < rules; i++) {
            if (i % 1000 == 0) {
                out.write("\n# block " + i / 1000 + "\n");
            }
            int shape = random.nextInt(100);
            String action = random.nextInt(20) == 0 ? (random.nextBoolean() ? "ingress-deny " : "ingress-allow ")
                    : random.nextInt(10) == 0 ? "allow " : "deny ";
            String rule;
            if (shape < 50) {
                rule = ipv4(random) + (random.nextBoolean() ? "" : "/" + (8 + random.nextInt(24)));
            } else if (shape < 88) {
                rule = ipv6(random) + (random.nextBoolean() ? "" : "/" + (16 + random.nextInt(112)));
            } else if (shape < 90) {
                rule = "::ffff:" + ipv4(random);
            } else if (shape < 95) {
                rule = ipv4(random) + "/" + (24 + random.nextInt(9)) + PORTS[random.nextInt(PORTS.length)];
            } else {
                String port = PORTS[random.nextInt(PORTS.length)];
                String prefix = ipv6(random) + "/" + (64 + random.nextInt(65));
                rule = port.startsWith(":") ? "[" + prefix + "]" + port : prefix + port;
            }
            out.write(action + rule + (random.nextInt(50) == 0 ? "   # why\n" : "\n"));
        }
    }

    private static String ipv4(Random random) {
        int a = random.nextInt();
        return (a >>> 24) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }

    /** An address in fd00::/8, some groups zero, in full or with the first run of zeros as '::'. */
    private static String ipv6(Random random) {
        int[] groups = new int[8];
        groups[0] = 0xfd00 | random.nextInt(256);
        for (int g = 1; g < 8; g++) {
            groups[g] = random.nextInt(3) == 0 ? 0 : random.nextInt(65536);
        }
        StringBuilder text = new StringBuilder();
        boolean compress = random.nextBoolean();
        boolean colon = false;
        for (int g = 0; g < 8; ) {
            if (compress && groups[g] == 0 && g < 7 && groups[g + 1] == 0) {
                text.append("::");
                while (g < 8 && groups[g] == 0) {
                    g++;
                }
                compress = false;
                colon = false;
                continue;
            }
            text.append(colon ? ":" : "").append(Integer.toHexString(groups[g++]));
            colon = true;
        }
        return text.toString();
    }
}
