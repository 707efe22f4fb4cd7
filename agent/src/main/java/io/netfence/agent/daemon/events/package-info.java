/**
 * Denial events: the one reader of the kernel's ring, the names the agent gives its numbers,
 * and where events go (API streams, the recent ones, the events file, the top destinations).
 * Nothing here blocks the pump: a slow subscriber is dropped.
 *
 * <p>May use the ABI's event records, the loader's ring reader and api/ for the JSON form.
 */
package io.netfence.agent.daemon.events;
