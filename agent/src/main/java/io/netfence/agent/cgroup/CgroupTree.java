package io.netfence.agent.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Lists the cgroups under the cgroup2 mount as paths relative to it ("/system.slice/x.service"). */
public final class CgroupTree {
    private static final int MAX_DEPTH = 32;
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

    /** The cgroup at {@code top} and every cgroup below it, parents first. */
    public List<String> below(Path top) {
        List<String> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(top, MAX_DEPTH)) {
            walk.filter(p -> !p.equals(mount) && Files.isDirectory(p)).forEach(p -> paths.add(relative(p)));
        } catch (NoSuchFileException | UncheckedIOException e) {
            // a cgroup removed while we walked: its children are gone too
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return paths;
    }
}
