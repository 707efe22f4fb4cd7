package io.netfence.agent.names;

import java.net.InetAddress;
import java.util.Optional;

/**
 * The name a confined program looked up to get an address, so that a denial of
 * {@code 198.18.0.5:443} can say {@code api.example.test (198.18.0.5):443}.
 */
@FunctionalInterface
public interface AddressNames {
    AddressNames NONE = (scope, address) -> Optional.empty();

    /**
     * @param scope nf_cg_policy.scope of the attachment whose program looked the name up
     * @return the name most recently answered with this address for that scope, while it is remembered
     */
    Optional<String> nameOf(int scope, InetAddress address);
}
