package io.netfence.agent.cli;

import io.netfence.agent.config.PolicyFileException;
import io.netfence.agent.config.PolicyFiles;
import io.netfence.agent.config.PolicySpec;
import io.netfence.agent.config.RulesFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check a policy file (*.yaml, *.yml) as the agent would, or a rules file (anything else) as "
                + "--rules-file would, without applying anything: no root, no agent. Problems are printed as "
                + "FILE:LINE:COLUMN: reason, and the exit code is 2.",
                "(Names must also be unique across the agent's other files; 'netfence apply' checks that.)"})
public final class PolicyCheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The file to check.")
    Path file;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("cannot read " + file + ": no such file");
        }
        try {
            System.out.println(file + ": " + summary());
            return ExitCodes.OK;
        } catch (PolicyFileException e) {
            e.errors().forEach(System.err::println);
            return ExitCodes.USAGE;
        }
    }

    private String summary() throws PolicyFileException, IOException {
        if (PolicyFiles.isPolicyFileName(file.getFileName().toString())) {
            List<PolicySpec> specs = PolicyFiles.loadFile(file);
            return "ok, " + specs.size() + (specs.size() == 1 ? " policy: " : " policies: ")
                    + String.join(", ", specs.stream().map(PolicySpec::name).toList());
        }
        RulesFile.Rules rules = RulesFile.read(file);
        return "ok, " + rules.egress().size() + " egress and " + rules.ingress().size() + " ingress rules";
    }
}
