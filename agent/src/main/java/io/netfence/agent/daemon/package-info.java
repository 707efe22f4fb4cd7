/**
 * The long-lived agent: reconciling policy files with cgroups, watching both, the event pump and
 * the metrics. Uses config, cgroup, datapath, host, policy and api.
 */
package io.netfence.agent.daemon;
