package io.netfence.agent.cli;

import io.netfence.agent.datapath.abi.Abi;
import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"netfence " + (version == null ? "dev" : version) + " (BPF ABI v" + Abi.VERSION + ")"};
    }
}
