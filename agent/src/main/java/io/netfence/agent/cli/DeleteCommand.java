package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody.Deleted;
import io.netfence.agent.api.ApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Remove a policy added with 'netfence apply'; its cgroups are released.")
public final class DeleteCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The policy's name.")
    String name;

    @Mixin
    ApiOptions api;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        ApiOptions.body(api.client().delete("/v1/policies/" + ApiClient.segment(name)), Deleted.class);
        System.out.println("netfence: deleted " + name);
        return ExitCodes.OK;
    }
}
