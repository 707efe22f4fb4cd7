package io.netfence.agent.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Lists the cgroups under the cgroup2 mount as paths relative to it ("/system.slice/x.service"). */
final class CgroupTree {
    private static final int MAX_DEPTH = 32;
    private final Path mount;

    CgroupTree(Path mount) {
        this.mount = mount;
    }

    Path mount() {
        return mount;
    }

    String relative(Path directory) {
        return "/" + mount.relativize(directory).toString();
    }

    Path directory(String relative) {
        return mount.resolve(relative.substring(1));
    }

    /** Every cgroup below the mount (not the root cgroup itself), parents before children. */
    List<String> all() {
        return below(mount);
    }

    /** The cgroup at {@code top} and every cgroup below it, parents first. */
    List<String> below(Path top) {
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
