/**
 * Policies as values: rules, prefixes, ports, protocols, verdicts, the rule syntax, and the
 * decision rules make for a flow ({@link io.netfence.agent.policy.Decision}). Pure: no I/O. Uses
 * only java.base.
 */
package io.netfence.agent.policy;
