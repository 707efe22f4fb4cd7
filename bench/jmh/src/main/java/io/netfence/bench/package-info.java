/**
 * Measurements of netfence's Java paths, run from bench/run.py: {@link io.netfence.bench.HotPathBenchmarks}
 * (JMH: key encoding, event decoding, rule parsing and compilation) and
 * {@link io.netfence.bench.DnsProxyMeasurement} (the DNS proxy's added latency and lookups/s against
 * an in-process upstream on loopback) and {@link io.netfence.bench.ApplyMeasurement} (what applying
 * 1M prefixes costs before the kernel: parse, compile, encode, in fresh JVMs). Nothing here loads
 * BPF or leaves loopback.
 */
package io.netfence.bench;
