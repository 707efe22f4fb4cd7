/**
 * The Prometheus metrics: every metric defined in {@code NetfenceMetrics}, read at scrape time
 * from a typed {@code ScrapeSource}, served read-only over TCP on the shared http/ server.
 *
 * <p>May use http/, the Prometheus client and the ABI's counter records; never changes policy.
 */
package io.netfence.agent.daemon.metrics;
