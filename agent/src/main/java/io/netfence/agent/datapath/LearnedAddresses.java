package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.DnsSteer;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/** What the DNS proxy reads and writes in the kernel: steered queries, and the addresses it learns. */
public interface LearnedAddresses {

    /** Where the query sent to 127.I.I.I was going, with I = {@code index}; empty if unknown. */
    Optional<DnsSteer> steered(int index) throws IOException;

    /**
     * Makes an address count as a host rule of the name entry for one attachment's ruleset until
     * {@code expiresNanos} (CLOCK_MONOTONIC); an entry already there that lasts longer is kept.
     */
    void learn(int scope, int ruleset, InetAddress address, NameTable.Entry entry, long expiresNanos) throws IOException;
}
