/**
 * Policies as values: rules, prefixes, ports, protocols, verdicts, and the rule syntax. Pure: no
 * I/O. Uses only java.base.
 */
package io.netfence.agent.policy;
