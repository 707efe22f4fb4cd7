package io.netfence.agent.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Lists the cgroups under the cgroup2 mount as paths relative to it ("/system.slice/x.service"). */
public final class CgroupTree {
    private static final int MAX_DEPTH = 32;
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private final Path mount;

    public CgroupTree(Path mount) {
        this.mount = mount;
    }

    public Path mount() {
        return mount;
    }

    public String relative(Path directory) {
        return "/" + mount.relativize(directory).toString();
    }

    public Path directory(String relative) {
        return mount.resolve(relative.substring(1));
    }

    /** Every cgroup below the mount (not the root cgroup itself), parents before children. */
    public List<String> all() {
        return below(mount);
    }

    /**
     * The cgroup at {@code top} and every cgroup below it, parents first. A cgroup directory's link
     * count is 2 plus its child cgroups (cgroupfs keeps it, as on disk filesystems): only cgroups
     * with children are listed (and their entries stat'ed), not the twenty-odd files of each leaf.
     */
    public List<String> below(Path top) {
        List<String> paths = new ArrayList<>();
        try {
            Map<String, Object> attributes = Files.readAttributes(top, "unix:mode,nlink", LinkOption.NOFOLLOW_LINKS);
            if (isDirectory(attributes)) {
                collect(top, (Integer) attributes.get("nlink"), 0, paths);
            }
        } catch (NoSuchFileException e) {
            // removed already
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return paths;
    }

    private void collect(Path directory, int links, int depth, List<String> into) throws IOException {
        if (!directory.equals(mount)) {
            into.add(relative(directory));
        }
        if (links == 2 || depth == MAX_DEPTH) {
            return; // no child cgroups (a filesystem that does not count them says 1: listed)
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                Map<String, Object> attributes;
                try {
                    attributes = Files.readAttributes(entry, "unix:mode,nlink", LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue; // a cgroup removed while we walked: its children are gone too
                }
                if (isDirectory(attributes)) {
                    collect(entry, (Integer) attributes.get("nlink"), depth + 1, into);
                }
            }
        } catch (NoSuchFileException e) {
            // removed while we listed it
        } catch (java.nio.file.DirectoryIteratorException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e.getCause(); // a partial list would release the cgroups missing from it
            }
        }
    }

    private static boolean isDirectory(Map<String, Object> unixAttributes) {
        return ((Integer) unixAttributes.get("mode") & S_IFMT) == S_IFDIR;
    }
}
