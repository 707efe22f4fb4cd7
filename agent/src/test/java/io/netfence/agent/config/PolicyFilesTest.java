package io.netfence.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyFilesTest {
    private static final String GOOD = """
            policies:
              - name: payments
                target: payments.service
                egress:
                  - deny any
                  - allow 198.18.0.0/15:443/tcp
                ingress:
                  - allow 198.18.0.0/15:22/tcp
              - name: batch
                target: /system.slice/batch-*.service
                mode: audit
                egress: [deny any, allow localhost]
            """;

    private static List<PolicySpec> parse(String text) throws PolicyFileException {
        return PolicyFiles.parse(Map.of("a.yaml", text));
    }

    private static List<String> errors(Map<String, String> files) {
        return assertThrows(PolicyFileException.class, () -> PolicyFiles.parse(files)).errors();
    }

    private static List<String> errors(String text) {
        return errors(Map.of("a.yaml", text));
    }

    @Test
    void aValidFileGivesItsPolicies() throws Exception {
        List<PolicySpec> specs = parse(GOOD);

        assertEquals(2, specs.size());
        PolicySpec payments = specs.get(0);
        assertEquals("payments", payments.name());
        assertInstanceOf(Target.Unit.class, payments.target());
        assertEquals(3, payments.policy().egress().size(), "any is two rules");
        assertEquals(1, payments.policy().ingress().size());
        assertEquals("a.yaml:2:11", payments.source());
        PolicySpec batch = specs.get(1);
        assertTrue(batch.policy().audit());
        assertTrue(batch.target().matches("/system.slice/batch-7.service"));
        assertTrue(!batch.target().matches("/system.slice/web.service"));
    }

    @Test
    void targetsOfEachKindMatchTheirCgroups() {
        assertTrue(Target.parse("/system.slice/x.service").matches("/system.slice/x.service"));
        assertTrue(Target.parse("x.service").matches("/system.slice/x.service"));
        assertTrue(Target.parse("x.service").matches("/user.slice/user-0.slice/x.service"));
        assertTrue(!Target.parse("x.service").matches("/system.slice/xx.service"));
        assertTrue(Target.parse("/a/*/c").matches("/a/b/c"));
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() {
        List<String> e = errors("policies:\n  - name: x\n    target: [unclosed\n");
        assertEquals(1, e.size(), e.toString());
        assertTrue(e.get(0).startsWith("a.yaml:4:1: YAML syntax error") || e.get(0).startsWith("a.yaml:3:"), e.get(0));
    }

    @Test
    void unknownKeysAreRefused() {
        List<String> e = errors("policies:\n  - name: x\n    target: x.service\n    egres: [deny any]\n");
        assertTrue(e.contains("a.yaml:4:5: unknown key 'egres' in a policy (expected name, target, mode, egress, ingress)"), e.toString());
    }

    @Test
    void badRulesNameTheirLineAndReason() {
        List<String> e = errors("policies:\n  - name: x\n    target: x.service\n    egress:\n      - deny any\n      - allow 198.18.0.0/33\n      - alow 198.18.0.2\n");
        assertEquals(List.of("a.yaml:6:9: invalid rule '198.18.0.0/33': prefix length 33 is out of range for IPv4 (0-32)",
                "a.yaml:7:9: a rule is 'allow RULE' or 'deny RULE', not 'alow 198.18.0.2'"), e);
    }

    @Test
    void duplicateNamesAcrossFilesAreRefused() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("a.yaml", "policies:\n  - name: x\n    target: x.service\n    egress: [deny any]\n");
        files.put("b.yaml", "policies:\n  - name: x\n    target: y.service\n    egress: [deny any]\n");
        assertEquals(List.of("b.yaml:2:11: duplicate policy name 'x' (first defined at a.yaml:2:11)"), errors(files));
    }

    @Test
    void targetsNoCgroupCanMatchAreRefused() {
        assertEquals(List.of("a.yaml:3:13: target 'payments' is neither a cgroup path (starting with '/') nor a systemd unit "
                + "name (ending in .service, .scope, .slice, .socket, .mount, .swap, .target)"),
                errors("policies:\n  - name: x\n    target: payments\n    egress: [deny any]\n"));
        assertTrue(errors("policies:\n  - name: x\n    target: /a/../b\n    egress: [deny any]\n").get(0)
                .contains("is not a cgroup path"));
    }

    @Test
    void missingPartsAndBadValuesAreRefused() {
        List<String> e = errors("policies:\n  - target: x.service\n    mode: strict\n  - name: Bad Name\n    target: y.service\n    egress: deny any\n");
        assertTrue(e.contains("a.yaml:2:5: the policy has no 'name'"), e.toString());
        assertTrue(e.contains("a.yaml:3:11: unknown mode 'strict' (expected enforce, audit or learn)"), e.toString());
        assertTrue(e.contains("a.yaml:2:5: the policy has neither 'egress' nor 'ingress' rules"), e.toString());
        assertTrue(e.stream().anyMatch(l -> l.startsWith("a.yaml:4:11: policy name 'Bad Name' must be")), e.toString());
        assertTrue(e.contains("a.yaml:6:13: 'egress' must be a list"), e.toString());
    }

    @Test
    void aFileWithoutPoliciesIsRefused() {
        assertEquals(List.of("a.yaml:1:1: unknown key 'other' in the file (expected policies)", "a.yaml:1:1: the file has no 'policies'"),
                errors("other: 1\n"));
    }

    @Test
    void aDuplicateKeyIsRefusedWhereverItStands() {
        String secondEgress = GOOD.replace("    ingress:", "    egress:\n      - allow any\n    ingress:");
        assertEquals(List.of("a.yaml:7:5: duplicate key 'egress' in a policy (first at a.yaml:4:5)"), errors(secondEgress));
        assertTrue(errors("policies:\n  - name: a\n    name: b\n    target: x.service\n    egress: [deny any]\n").get(0)
                .contains("duplicate key 'name'"));
        assertTrue(errors("policies: []\npolicies:\n  - name: a\n    target: x.service\n    egress: [deny any]\n").get(0)
                .contains("a.yaml:2:1: duplicate key 'policies' in the file"));
    }

    @Test
    void anEmptyFileIsRefusedNotReadAsNoPolicies() {
        assertEquals(List.of("a.yaml: the file is empty (to remove its policies, delete the file)"), errors(""));
        assertEquals(List.of("a.yaml: the file is empty (to remove its policies, delete the file)"), errors("\n# only a comment\n"));
    }

    @Test
    void controlCharactersAndLongLinesNameTheirPlace() {
        assertEquals(List.of("a.yaml:2:9: control character U+0000 is not allowed"), errors("policies:\n  - name\0: a\n"));
        String longRule = "policies:\n  - name: a\n    target: x.service\n    egress: [\"allow " + "1".repeat(1 << 20) + "\"]\n";
        List<String> e = errors(longRule);
        assertEquals(List.of("a.yaml:4: line longer than " + PolicyLimits.MAX_LINE_CHARS + " characters"), e);
    }

    @Test
    void deepNestingIsRefusedWithoutOverflowingTheStack() {
        String deep = "policies: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
        String flowDeep = "policies:\n" + "- ".repeat(1_000) + "x\n";
        assertTrue(errors(deep.substring(0, 4000) + "\n").get(0).contains("nested more than 16 levels deep"));
        assertTrue(errors(flowDeep).get(0).contains("nested more than 16 levels deep"), errors(flowDeep).toString());
    }

    @Test
    void errorLinesAreCutToAReadableLength() {
        String longName = "policies:\n  - name: " + "x".repeat(3000) + "\n    target: x.service\n    egress: [deny any]\n";
        List<String> e = errors(longName);
        assertTrue(e.get(0).length() < PolicyLimits.MAX_MESSAGE_CHARS + 40, e.get(0));
        assertTrue(e.get(0).endsWith("more characters)"), e.get(0));
    }

    @Test
    void filesOnDiskMustBeUtf8AndWithinTheSizeLimit(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.write(dir.resolve("latin1.yaml"), "policies:\n  - name: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        List<String> e = assertThrows(PolicyFileException.class, () -> PolicyFiles.load(List.of(dir))).errors();
        assertEquals(List.of(dir.resolve("latin1.yaml") + ":2:14: not UTF-8 (policy sources must be UTF-8 text)"), e);

        java.nio.file.Files.delete(dir.resolve("latin1.yaml"));
        try (var out = java.nio.file.Files.newOutputStream(dir.resolve("big.yaml"))) {
            out.write(new byte[PolicyLimits.MAX_FILE_BYTES + 1]);
        }
        e = assertThrows(PolicyFileException.class, () -> PolicyFiles.load(List.of(dir))).errors();
        assertTrue(e.get(0).contains((PolicyLimits.MAX_FILE_BYTES + 1) + " bytes; the limit is"), e.toString());
    }

    @Test
    void rulesOverTheLimitAreRefusedWhereTheyPassIt() {
        StringBuilder text = new StringBuilder("policies:\n  - name: many\n    target: /x\n    egress:\n");
        // 'any' is two rules: the limit is passed half way through
        text.append("      - deny any\n".repeat(PolicyLimits.MAX_RULES / 2 + 1));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("a.yaml", GOOD); // 8 rules: 4 lines of 'deny any' fewer fit
        files.put("b.yaml", text.toString());
        assertEquals(List.of("b.yaml:" + (5 + PolicyLimits.MAX_RULES / 2 - 4) + ":9: " + RuleBudget.refusal()), errors(files));
    }

    @Test
    void aFileParsedBeforeStillCountsAgainstTheLimit() throws Exception {
        assertEquals(8, PolicyFiles.parse(Map.of("a.yaml", GOOD)).stream().mapToInt(s -> s.policy().egress().size()
                + s.policy().ingress().size()).sum(), "a.yaml parsed once, and kept");
        rulesOverTheLimitAreRefusedWhereTheyPassIt();
    }

    @Test
    void aFileReadAgainUnchangedGivesTheSamePoliciesAndAChangedOneItsNewOnes() throws Exception {
        List<PolicySpec> first = PolicyFiles.parse(Map.of("same.yaml", GOOD));
        assertEquals(first, PolicyFiles.parse(Map.of("same.yaml", GOOD)));
        List<PolicySpec> changed = PolicyFiles.parse(Map.of("same.yaml", GOOD.replace("deny any", "deny 198.18.0.9")));
        assertTrue(!changed.equals(first) && changed.toString().contains("198.18.0.9"), changed.toString());
        assertThrows(PolicyFileException.class, () -> PolicyFiles.parse(Map.of("same.yaml", GOOD + "  - nonsense\n")));
    }

    @Test
    void aDirectoryOverTheTotalIsRefusedBeforeItIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        for (int i = 0; i * (long) PolicyLimits.MAX_FILE_BYTES <= PolicyLimits.MAX_TOTAL_BYTES; i++) {
            try (var file = java.nio.channels.FileChannel.open(dir.resolve(i + ".yaml"), java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                file.write(java.nio.ByteBuffer.wrap(new byte[] {'#'}), PolicyLimits.MAX_FILE_BYTES - 1); // sparse
            }
        }
        List<String> e = assertThrows(PolicyFileException.class, () -> PolicyFiles.load(List.of(dir))).errors();
        assertEquals(1, e.size(), e.toString());
        assertTrue(e.get(0).startsWith(dir + ": 3 policy files of " + 3L * PolicyLimits.MAX_FILE_BYTES + " bytes; the limit is "
                + PolicyLimits.MAX_TOTAL_BYTES), e.get(0));
    }
}
