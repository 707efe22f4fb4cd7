package io.netfence.agent.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a temporary directory: a disk or memory filesystem counts subdirectories in link counts as cgroupfs does. */
class CgroupTreeTest {
    @TempDir
    Path mount;

    private void tree(String... directories) throws Exception {
        for (String d : directories) {
            Files.createDirectories(mount.resolve(d));
            Files.writeString(mount.resolve(d).resolve("cgroup.procs"), ""); // the files of a cgroup are no cgroups
        }
    }

    @Test
    void everyCgroupBelowTheMountParentsFirst() throws Exception {
        tree("a/b/c", "a/d", "e.slice/f.service");
        List<String> all = new CgroupTree(mount).all();

        assertEquals(6, all.size(), all.toString());
        assertEquals(List.of("/a", "/a/b", "/a/b/c", "/a/d", "/e.slice", "/e.slice/f.service"), all.stream().sorted().toList());
        assertTrue(all.indexOf("/a") < all.indexOf("/a/b") && all.indexOf("/a/b") < all.indexOf("/a/b/c"), all.toString());
    }

    @Test
    void belowACgroupIsItselfAndItsDescendants() throws Exception {
        tree("a/b/c", "a/d", "x");
        CgroupTree cgroups = new CgroupTree(mount);

        assertEquals(List.of("/a/b", "/a/b/c"), cgroups.below(mount.resolve("a/b")));
        assertEquals(List.of("/x"), cgroups.below(mount.resolve("x")));
        assertEquals(List.of(), cgroups.below(mount.resolve("gone")));
    }
}
