package io.netfence.agent.cli;

import io.netfence.agent.datapath.abi.Abi;
import java.util.List;
import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    /** {@code netfence --version} alone: answered before any command line is built (see {@link Main}). */
    static boolean isAsked(String... args) {
        return args.length == 1 && List.of("--version", "-V").contains(args[0]);
    }

    static String version() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return "netfence " + (version == null ? "dev" : version) + " (BPF ABI v" + Abi.VERSION + ")";
    }

    @Override
    public String[] getVersion() {
        return new String[] {version()};
    }
}
