package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody.Applied;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Add or replace policies in the running agent from a policy file. The file is checked with every "
                + "other policy first; if anything is wrong nothing changes.")
public final class ApplyCommand implements Callable<Integer> {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "A policy file (YAML).")
    Path file;

    @Mixin
    ApiOptions api;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        Applied applied = ApiOptions.body(api.client().post("/v1/policies", file.toString(), text), Applied.class);
        System.out.println("netfence: applied " + String.join(", ", applied.applied()));
        return ExitCodes.OK;
    }
}
