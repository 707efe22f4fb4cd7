/**
 * The loader: opens, loads and pins BPF objects, reads and writes maps, attaches programs, reads
 * ring buffers, and finds bpffs. It never logs and knows nothing of netfence's policies. Uses JNA
 * and its own internal bindings; depends on no netfence package.
 */
package io.netfence.loader;
