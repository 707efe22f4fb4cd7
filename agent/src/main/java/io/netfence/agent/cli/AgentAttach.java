package io.netfence.agent.cli;

import io.netfence.agent.api.ApiBody.Applied;
import io.netfence.agent.api.ApiClient;
import io.netfence.agent.config.PolicyYaml;
import io.netfence.agent.policy.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * {@code attach} with name rules: a name is learned by a DNS proxy that outlives the command, the
 * agent's, so the rules become an agent policy targeting the cgroup (named after it), and
 * {@code detach} removes that policy again.
 */
final class AgentAttach {
    private static final int NAME_MAX = 63;

    private AgentAttach() {}

    /** The agent policy's name for a cgroup: "attach-" and the path, made a policy name. */
    static String policyName(String cgroupPath) {
        String name = "attach-" + cgroupPath.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._]+", "-").replaceAll("^-+|-+$", "");
        if (name.length() <= NAME_MAX && cgroupPath.equals(cgroupPath.toLowerCase(Locale.ROOT))) {
            return name;
        }
        // too long, or upper case folded: a digest of the exact path keeps two cgroups apart
        String digest = digest(cgroupPath);
        return name.substring(0, Math.min(name.length(), NAME_MAX - digest.length() - 1)) + "-" + digest;
    }

    /** The policy file the agent is sent. */
    static String yaml(String name, String cgroupPath, Policy policy) {
        return PolicyYaml.policies(name, cgroupPath, policy);
    }

    static void attach(ApiClient agent, String cgroupPath, Policy policy) throws IOException {
        String name = policyName(cgroupPath);
        ApiOptions.body(agent.post("/v1/policies", "attach " + cgroupPath, yaml(name, cgroupPath, policy)), Applied.class);
    }

    /** Removes the agent policy attach made for the cgroup; false when the agent has none (or is not running). */
    static boolean detach(ApiClient agent, String cgroupPath) {
        try {
            return agent.delete("/v1/policies/" + ApiClient.segment(policyName(cgroupPath))).status() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
