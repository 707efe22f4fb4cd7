package io.netfence.agent.datapath;

import io.netfence.agent.host.AtomicFile;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.RuleList;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The prefixes a ruleset wrote to nf_rules, kept in /run/netfence/rulesets/ so that removing
 * the ruleset deletes exactly its keys instead of scanning the trie (1M prefixes: 18 MB, read in
 * well under a second). Format: count, then per prefix its length, address size and address.
 */
final class PrefixFile {
    private PrefixFile() {}

    static Path of(Path runtimeDirectory, int ruleset) {
        return runtimeDirectory.resolve("rulesets").resolve(Integer.toUnsignedString(ruleset) + ".prefixes");
    }

    /** Drops every prefix file, once the maps they describe are gone. */
    static void removeAll(Path runtimeDirectory) throws IOException {
        Path directory = runtimeDirectory.resolve("rulesets");
        if (Files.isDirectory(directory)) {
            try (java.util.stream.Stream<Path> files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    static void write(Path file, List<IpPrefix> prefixes) throws IOException {
        AtomicFile.write(file, stream -> {
            DataOutputStream out = new DataOutputStream(stream);
            out.writeInt(prefixes.size());
            for (IpPrefix prefix : prefixes) {
                byte[] address = prefix.address();
                out.writeByte(prefix.length());
                out.writeByte(address.length);
                out.write(address);
            }
            out.flush();
        });
    }

    /** The same file, written from the columns of compiled entries without an object each. */
    static void write(Path file, PrefixEntries entries) throws IOException {
        AtomicFile.write(file, out -> {
            RuleList prefixes = entries.prefixes();
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16); // big-endian, as DataOutputStream writes
            chunk.putInt(prefixes.size());
            for (int i = 0; i < prefixes.size(); i++) {
                if (chunk.remaining() < 18) {
                    out.write(chunk.array(), 0, chunk.position());
                    chunk.clear();
                }
                chunk.put((byte) prefixes.length(i));
                if (prefixes.isIpv4(i)) {
                    chunk.put((byte) 4).putInt((int) prefixes.low(i));
                } else {
                    chunk.put((byte) 16).putLong(prefixes.high(i)).putLong(prefixes.low(i));
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        });
    }

    static List<IpPrefix> read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            int count = in.readInt();
            List<IpPrefix> prefixes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int length = in.readUnsignedByte();
                byte[] address = new byte[in.readUnsignedByte()];
                in.readFully(address);
                prefixes.add(IpPrefix.of(address, length));
            }
            return prefixes;
        }
    }
}
