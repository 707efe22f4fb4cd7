/**
 * What one host's netfence processes agree on outside the kernel: the host lock that serialises
 * their changes, the agent's pid file, whether a pid still runs, and replacing a file whole.
 * Uses only java.base.
 */
package io.netfence.agent.host;
