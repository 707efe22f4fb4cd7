package io.netfence.agent.daemon;

import io.netfence.agent.config.PolicySpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * @param matched   policy name → cgroups it is in force on
 * @param conflicts cgroup path → why the agent does not (fully) apply its policies there
 */
public record AgentStatus(List<PolicySpec> policies, Map<String, List<String>> matched, Map<String, String> conflicts,
                          ReloadResult lastReload, Instant started) {}
