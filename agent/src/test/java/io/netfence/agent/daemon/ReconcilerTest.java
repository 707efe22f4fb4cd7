package io.netfence.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netfence.agent.cgroup.Cgroup;
import io.netfence.agent.cgroup.CgroupFs;
import io.netfence.agent.config.PolicySpec;
import io.netfence.agent.config.Target;
import io.netfence.agent.datapath.InMemoryDatapath;
import io.netfence.agent.policy.Policy;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconciler against an in-memory datapath over a cgroup tree of plain directories: no root, no kernel. */
class ReconcilerTest {
    @TempDir
    Path mount;

    private final InMemoryDatapath datapath = new InMemoryDatapath();
    private CgroupFs cgroups;
    private Reconciler reconciler;

    @BeforeEach
    void setUp() {
        cgroups = new CgroupFs(mount);
        reconciler = new Reconciler(datapath, cgroups);
    }

    @Test
    void aPolicyIsInForceOnEveryCgroupItTargetsAndNowhereElse() throws IOException {
        Cgroup web = cgroup("/app.slice/web.service");
        Cgroup db = cgroup("/app.slice/db.service");
        Cgroup other = cgroup("/other.slice/x.service");

        apply(List.of(spec("services", "/app.slice/*.service", "deny 198.18.0.0/15")));

        assertEquals(List.of("services"), datapath.policiesOf(web.id()));
        assertEquals(datapath.rulesetsOf(web.id()), datapath.rulesetsOf(db.id()), "one policy, one set of rulesets");
        assertEquals(List.of(), datapath.policiesOf(other.id()));
        assertEquals(List.of("/app.slice/db.service", "/app.slice/web.service"), reconciler.matched().get("services"));
    }

    @Test
    void aCgroupRecreatedUnderTheSamePathGetsThePolicyAgain() throws IOException {
        Cgroup first = cgroup("/app.slice/web.service");
        apply(List.of(spec("web", "web.service", "deny any")));

        // moved away first, so that the new directory cannot reuse the old one's inode (its id)
        Path away = Files.move(first.directory(), first.directory().resolveSibling("gone"));
        Cgroup second = cgroup("/app.slice/web.service");
        Files.delete(away.resolve("cgroup.procs"));
        Files.delete(away);
        reconciler.cgroupVanished(first.path());
        reconciler.cgroupAppeared(second.path());

        assertFalse(datapath.attachment(first.id()).isPresent(), "the removed cgroup's attachment is released");
        assertEquals(List.of("web"), datapath.policiesOf(second.id()));
    }

    @Test
    void aRemovedCgroupReleasesItsAttachmentAndAnUnusedPolicyItsRulesets() throws IOException {
        Cgroup web = cgroup("/app.slice/web.service");
        apply(List.of(spec("web", "web.service", "deny any")));
        Set<Integer> rulesets = datapath.rulesetsOf(web.id());

        remove(web);
        reconciler.cgroupVanished(web.path());

        assertEquals(Set.of(), datapath.attachments().keySet());
        assertTrue(datapath.rulesets().containsAll(rulesets), "a policy in force keeps its rulesets for cgroups to come");

        apply(List.of());

        assertEquals(Set.of(), datapath.rulesets());
    }

    @Test
    void aCgroupNoPolicyTargetsAnyMoreIsReleased() throws IOException {
        Cgroup web = cgroup("/app.slice/web.service");
        apply(List.of(spec("web", "web.service", "deny any")));

        apply(List.of(spec("db", "db.service", "deny any")));

        assertFalse(datapath.attachment(web.id()).isPresent());
        assertEquals(2, datapath.rulesets().size(), "only db's rulesets are left");
    }

    @Test
    void aCgroupHoldsUpToFourPoliciesAndMoreDenyEverything() throws IOException {
        Cgroup four = cgroup("/four.slice/web.service");
        Cgroup five = cgroup("/five.slice/web.service");
        List<PolicySpec> specs = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            specs.add(spec("p" + i, "web.service", "deny 198.18.0." + i));
        }
        specs.add(spec("p5", "/five.slice/web.service", "deny 198.18.0.5"));

        apply(specs);

        assertEquals(List.of("p1", "p2", "p3", "p4"), datapath.policiesOf(four.id()));
        assertEquals(List.of("(deny-all)"), datapath.policiesOf(five.id()));
        assertTrue(reconciler.conflicts().get(five.path()).contains("all its traffic is denied"), reconciler.conflicts().toString());
        assertFalse(reconciler.conflicts().containsKey(four.path()));
    }

    @Test
    void aChangedPolicyDeletesItsOldRulesetsOnlyOnceNoCgroupPointsAtThem() throws IOException {
        Cgroup web = cgroup("/app.slice/web.service");
        Cgroup db = cgroup("/app.slice/db.service");
        apply(List.of(spec("services", "/app.slice/*.service", "deny 198.18.0.1")));
        Set<Integer> old = datapath.rulesetsOf(web.id());

        datapath.failPointing(db.id());
        assertThrows(IOException.class, () -> reconciler.apply(List.of(spec("services", "/app.slice/*.service", "deny 198.18.0.2"))));

        assertEquals(old, datapath.rulesetsOf(db.id()), "db keeps the old policy");
        assertTrue(datapath.rulesets().containsAll(old), "so the old rulesets stay");

        datapath.heal();
        apply(List.of(spec("services", "/app.slice/*.service", "deny 198.18.0.2")));

        Set<Integer> current = datapath.rulesetsOf(web.id());
        assertEquals(current, datapath.rulesetsOf(db.id()));
        assertEquals(current, datapath.rulesets(), "the old rulesets are gone once nothing points at them");
    }

    @Test
    void aChangedPolicyRepointsItsCgroupsAndNoOther() throws IOException {
        Cgroup web = cgroup("/app.slice/web.service");
        Cgroup db = cgroup("/app.slice/db.service");
        Cgroup batch = cgroup("/batch.slice/job.service");
        PolicySpec jobs = spec("jobs", "/batch.slice/*.service", "deny 198.18.0.9");
        apply(List.of(spec("services", "/app.slice/*.service", "deny 198.18.0.1"), jobs));

        apply(List.of(spec("services", "/app.slice/*.service", "deny 198.18.0.2"), jobs));

        assertEquals(2, datapath.pointings(web.id()));
        assertEquals(2, datapath.pointings(db.id()));
        assertEquals(1, datapath.pointings(batch.id()), "the unchanged policy's cgroup is not visited");
        assertEquals(java.util.Map.of("jobs", 1, "services", 2), reconciler.matchedCounts());
    }

    @Test
    void anUnchangedPolicyIsNotWrittenAgain() throws IOException {
        Cgroup web = cgroup("/app.slice/web.service");
        List<PolicySpec> specs = List.of(spec("web", "web.service", "deny any"));
        apply(specs);
        Set<Integer> before = datapath.rulesets();

        apply(specs);

        assertEquals(before, datapath.rulesets());
        assertEquals(before, datapath.rulesetsOf(web.id()));
    }

    @Test
    void aPolicyThatDoesNotFitLeavesThePoliciesInForceAndWritesNothing() throws IOException {
        Cgroup web = cgroup("/app.slice/web.service");
        apply(List.of(spec("web", "web.service", "deny 198.18.0.1")));
        Set<Integer> before = datapath.rulesets();
        datapath.limitRulesets(3);

        IOException refused = assertThrows(IOException.class, () -> reconciler.apply(List.of(
                spec("web", "web.service", "deny 198.18.0.2"), spec("db", "db.service", "deny any"))));
        assertTrue(refused.getMessage().startsWith("web.yaml: policy 'web': the maps hold"), "names the policy and its file: " + refused.getMessage());

        assertEquals(before, datapath.rulesets());
        assertEquals(before, datapath.rulesetsOf(web.id()));
    }

    @Test
    void aCgroupConfinedByTheCliIsLeftAlone() throws IOException {
        Cgroup web = cgroup("/app.slice/web.service");
        datapath.attachByCli(web, new Policy(web.path(), RuleSyntax.parse(Verdict.DENY, "any"), List.of(), false));
        Set<Integer> cli = datapath.rulesetsOf(web.id());

        apply(List.of(spec("web", "web.service", "deny 198.18.0.1")));

        assertEquals(cli, datapath.rulesetsOf(web.id()));
        assertTrue(reconciler.conflicts().get(web.path()).contains("'netfence attach'"), reconciler.conflicts().toString());
        assertTrue(datapath.rulesets().containsAll(cli), "the agent never deletes what the CLI wrote");
    }

    private Cgroup cgroup(String path) throws IOException {
        Path directory = mount.resolve(path.substring(1));
        Files.createDirectories(directory);
        Files.createFile(directory.resolve("cgroup.procs"));
        return cgroups.open(path);
    }

    private static void remove(Cgroup cgroup) throws IOException {
        Files.delete(cgroup.directory().resolve("cgroup.procs"));
        Files.delete(cgroup.directory());
    }

    private static PolicySpec spec(String name, String target, String rule) {
        String[] words = rule.split(" ", 2);
        Verdict verdict = words[0].equals("allow") ? Verdict.ALLOW : Verdict.DENY;
        Policy policy = new Policy(name, RuleSyntax.parse(verdict, words[1]), List.of(), false);
        return new PolicySpec(policy, Target.parse(target), name + ".yaml");
    }


    /** As the agent applies: the change, then the rulesets of earlier versions collected. */
    private void apply(List<PolicySpec> specs) throws IOException {
        reconciler.apply(specs);
        reconciler.collectOldRulesets();
    }
}
