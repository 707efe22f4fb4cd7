package io.netfence.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, Object> body = ApiOptions.body(api.client().post("/v1/policies", file.toString(), text));
        System.out.println("netfence: applied " + String.join(", ", (List<String>) body.get("applied")));
        return ExitCodes.OK;
    }
}
