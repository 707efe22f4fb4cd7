/**
 * netfence's state in the kernel: compiling policies into rulesets, the pinned programs and maps
 * and the host lock around them, ruleset lifetime, cgroup attachments, the ids policies carry
 * (PolicyIds), and counters and flow records (FlowRecords) as read models. Datapath is the narrow interface the agent reconciles through; KernelDatapath the
 * kernel's implementation. Uses abi, policy, cgroup, host and the loader's public API.
 */
package io.netfence.agent.datapath;
