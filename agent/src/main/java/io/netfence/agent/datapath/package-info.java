/**
 * netfence's state in the kernel: compiling policies into rulesets, the pinned programs and maps
 * and the host lock around them, ruleset lifetime, cgroup attachments, and counters as a read
 * model. Datapath is the narrow interface the agent reconciles through; KernelDatapath the
 * kernel's implementation. Uses abi, policy, cgroup, host and the loader's public API.
 */
package io.netfence.agent.datapath;
