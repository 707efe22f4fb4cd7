package io.netfence.vmtests;

import io.netfence.vmtests.fixtures.ProbeSession;
import io.netfence.vmtests.fixtures.TestCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** probe.py's watch mode in a cgroup: counts connects that broke the policy until finished. */
final class Watch implements AutoCloseable {
    private final ProbeSession session;
    private final Path stopFile;

    record Outcome(long attempts, long deniedAllowed, long allowedDenied) {}

    private Watch(ProbeSession session, Path stopFile) {
        this.session = session;
        this.stopFile = stopFile;
    }

    static Watch start(TestCgroups cgroups, String cgroup, String denied, String allowed) throws IOException {
        Path stop = Files.createTempFile("nft-watch", ".stop");
        Files.delete(stop);
        ProbeSession session = ProbeSession.startWithEnvironment(cgroups, cgroup, "watching",
                java.util.Map.of("NFT_WATCH_STOP", stop.toString()), "watch", denied, allowed, "120");
        return new Watch(session, stop);
    }

    Outcome finish() throws IOException {
        Files.createFile(stopFile);
        String[] words = session.readLine().split(" ");
        return new Outcome(Long.parseLong(words[1]), Long.parseLong(words[3]), Long.parseLong(words[5]));
    }

    @Override
    public void close() throws IOException {
        session.close();
        Files.deleteIfExists(stopFile);
    }
}
