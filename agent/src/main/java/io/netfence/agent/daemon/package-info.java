/**
 * The long-lived agent: keeps the kernel in line with the policy files, follows cgroups, and
 * implements the control API's routes ({@code AgentRoutes}) over the narrow
 * {@code AgentControl}, so the routes are tested without a kernel.
 *
 * <p>May use every package below the CLI; the CLI starts it.
 */
package io.netfence.agent.daemon;
