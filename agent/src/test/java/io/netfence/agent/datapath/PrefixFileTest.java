package io.netfence.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefixFileTest {
    @TempDir
    Path dir;

    @Test
    void entriesAreWrittenAsTheirPrefixesAndReadBack() throws Exception {
        List<Rule> rules = new ArrayList<>();
        for (String text : List.of("198.18.0.2", "198.19.0.0/16", "fd00::/8", "fd00:ffff::e:4240", "::/0", "0.0.0.0/0",
                "[fd00:1:2:3:4:5:6:7]:443/tcp", "::ffff:10.1.2.3")) {
            rules.addAll(RuleSyntax.parse(Verdict.DENY, text));
        }
        PrefixEntries entries = PolicyCompiler.compile(rules).entries();
        List<IpPrefix> prefixes = entries.stream().map(CompiledRuleset.Entry::prefix).toList();

        PrefixFile.write(dir.resolve("columns"), entries);
        PrefixFile.write(dir.resolve("objects"), prefixes);

        assertArrayEquals(Files.readAllBytes(dir.resolve("objects")), Files.readAllBytes(dir.resolve("columns")));
        assertEquals(prefixes, PrefixFile.read(dir.resolve("columns")));
    }
}
