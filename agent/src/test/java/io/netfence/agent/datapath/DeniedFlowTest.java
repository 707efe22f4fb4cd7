package io.netfence.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.Flow;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How run's summary shows a denied flow, with and without the name its address was looked up by. */
class DeniedFlowTest {
    private static final byte[] V4 = {(byte) 198, 18, 0, 5};
    private static final byte[] V6 = {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
    private static final Optional<String> API = Optional.of("api.example.test");

    @Test
    void aNamedAddressShowsTheNameWithTheAddressInParentheses() {
        assertEquals("api.example.test (198.18.0.5):443/tcp (connect)",
                new DeniedFlow(new Flow(V4, 443, Abi.FAMILY_IPV4, 6, Abi.HOOK_CONNECT)).summary(API));
        assertEquals("api.example.test (fd00::5):53/udp (sendmsg)",
                new DeniedFlow(new Flow(V6, 53, Abi.FAMILY_IPV6, 17, Abi.HOOK_SENDMSG)).summary(API));
        assertEquals("api.example.test (198.18.0.5)/icmp (egress)",
                new DeniedFlow(new Flow(V4, 0, Abi.FAMILY_IPV4, 1, Abi.HOOK_EGRESS)).summary(API));
    }

    @Test
    void withoutANameTheAddressIsShownAsBefore() {
        assertEquals("198.18.0.5:443/tcp (connect)", new DeniedFlow(new Flow(V4, 443, Abi.FAMILY_IPV4, 6, Abi.HOOK_CONNECT)).summary());
        assertEquals("[fd00::5]:443/tcp (connect)", new DeniedFlow(new Flow(V6, 443, Abi.FAMILY_IPV6, 6, Abi.HOOK_CONNECT)).summary());
    }

    @Test
    void aSocketCreationHasNoAddressAndNoName() throws Exception {
        DeniedFlow socket = new DeniedFlow(new Flow(new byte[0], 0, Abi.FAMILY_NONE, Abi.AF_PACKET, Abi.HOOK_SOCK_CREATE));

        assertEquals(Optional.empty(), socket.address());
        assertEquals("packet socket (sock_create)", socket.summary(API));
        assertEquals(Optional.of(InetAddress.getByName("fd00::5")),
                new DeniedFlow(new Flow(V6, 443, Abi.FAMILY_IPV6, 6, Abi.HOOK_CONNECT)).address());
    }
}
