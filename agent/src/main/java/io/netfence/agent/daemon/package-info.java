/**
 * The long-lived agent: keeps the kernel in line with the policy files ({@code Reconciler} over
 * the narrow {@code datapath.Datapath}), follows cgroups and policy directories, and implements
 * the control API's routes ({@code AgentRoutes}) over the narrow {@code AgentControl}, so both
 * are tested without a kernel. Runs through the agent ({@code UserRuns}) and the DNS side of
 * agent policies with name rules ({@code AgentNames}: the proxy, each attachment's name policies,
 * and the memory that carries learned answers across reloads and restarts) live here too.
 * {@code FlowHistoryKeeper} keeps the flow records of the policies (flow_history: which are
 * kept, swept by age, read back for learn and policy diff).
 *
 * <p>May use every package below the CLI; the CLI starts it.
 */
package io.netfence.agent.daemon;
