/**
 * What one host's netfence processes agree on outside the kernel: the host lock that serialises
 * their changes, the agent's pid file, and whether a pid still runs. Uses only java.base; every
 * other package may use it.
 */
package io.netfence.agent.host;
