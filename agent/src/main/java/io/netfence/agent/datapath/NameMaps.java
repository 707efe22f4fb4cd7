package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.DnsSteer;
import io.netfence.agent.datapath.abi.LearnedKey;
import io.netfence.agent.datapath.abi.LearnedValue;
import io.netfence.loader.BpfMap;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/**
 * nf_learned and nf_dns_steer, opened from their pins for the DNS proxy's lifetime. Their entries
 * are independent of each other and of rulesets, so they are read and written without the host
 * lock: the proxy never waits for another netfence process.
 */
public final class NameMaps implements LearnedAddresses, AutoCloseable {
    private final BpfMap learned;
    private final BpfMap steer;

    private NameMaps(BpfMap learned, BpfMap steer) {
        this.learned = learned;
        this.steer = steer;
    }

    static NameMaps open(PinLayout pins) throws IOException {
        BpfMap learned = BpfMap.openPinned(Abi.MAP_LEARNED, pins.map(Abi.MAP_LEARNED).toString());
        try {
            return new NameMaps(learned, BpfMap.openPinned(Abi.MAP_DNS_STEER, pins.map(Abi.MAP_DNS_STEER).toString()));
        } catch (IOException | RuntimeException e) {
            learned.close();
            throw e;
        }
    }

    @Override
    public Optional<DnsSteer> steered(int index) throws IOException {
        Optional<byte[]> value = steer.lookup(DnsSteer.key(index));
        return value.isPresent() ? Optional.of(DnsSteer.decode(value.get())) : Optional.empty();
    }

    @Override
    public void learn(int scope, int ruleset, InetAddress address, NameTable.Entry entry, long expiresNanos) throws IOException {
        byte[] key = LearnedKey.encode(scope, ruleset, address);
        LearnedValue fresh = LearnedValue.of(expiresNanos, entry.portList(), entry.fallback());
        int verdict = fresh.verdict();
        Optional<LearnedValue> present = learned.lookup(key).map(LearnedValue::decode);
        if (present.isPresent() && present.get().portList() == fresh.portList() && present.get().verdict() == verdict
                && present.get().expiresNanos() >= expiresNanos) {
            return;
        }
        learned.update(key, fresh.encode(), BpfMap.ANY);
    }

    @Override
    public void close() {
        learned.close();
        steer.close();
    }
}
