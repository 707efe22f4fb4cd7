package io.netfence.agent.names;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NameBookTest {
    private static final long SECOND = 1_000_000_000L;
    private long now = 1_000 * SECOND;

    private NameBook book(int capacity) {
        return new NameBook(capacity, Duration.ofSeconds(60), () -> now);
    }

    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text); // literals only: no lookup
    }

    @Test
    void anAnsweredAddressIsNamedForItsScopeOnly() throws Exception {
        NameBook book = book(10);
        book.remember(7, "api.example.test", address("198.18.0.5"), now + 30 * SECOND);
        book.remember(7, "api.example.test", address("fd00::5"), now + 30 * SECOND);

        assertEquals(Optional.of("api.example.test"), book.nameOf(7, address("198.18.0.5")));
        assertEquals(Optional.of("api.example.test"), book.nameOf(7, address("fd00::5")));
        assertEquals(Optional.empty(), book.nameOf(8, address("198.18.0.5")));
        assertEquals(Optional.empty(), book.nameOf(7, address("198.18.0.6")));
    }

    @Test
    void aNameIsKeptPastTheAddressExpiryThenForgotten() throws Exception {
        NameBook book = book(10);
        book.remember(7, "api.example.test", address("198.18.0.5"), now + 30 * SECOND);

        now += 89 * SECOND;
        assertEquals(Optional.of("api.example.test"), book.nameOf(7, address("198.18.0.5")));
        now += SECOND;
        assertEquals(Optional.empty(), book.nameOf(7, address("198.18.0.5")));
        assertEquals(0, book.size());
    }

    @Test
    void theLatestNameOfAnAddressIsShown() throws Exception {
        NameBook book = book(10);
        book.remember(7, "a.example.test", address("198.18.0.5"), now + 30 * SECOND);
        book.remember(7, "b.example.test", address("198.18.0.5"), now + 30 * SECOND);

        assertEquals(Optional.of("b.example.test"), book.nameOf(7, address("198.18.0.5")));
        assertEquals(1, book.size());
    }

    @Test
    void beyondCapacityTheEntryRememberedLongestAgoIsForgotten() throws Exception {
        NameBook book = book(3);
        book.remember(7, "a.example.test", address("198.18.0.1"), now + 30 * SECOND);
        book.remember(7, "b.example.test", address("198.18.0.2"), now + 30 * SECOND);
        book.remember(7, "c.example.test", address("198.18.0.3"), now + 30 * SECOND);
        book.remember(7, "a.example.test", address("198.18.0.1"), now + 30 * SECOND); // answered again: the newest
        book.remember(7, "d.example.test", address("198.18.0.4"), now + 30 * SECOND);

        assertEquals(3, book.size());
        assertEquals(Optional.empty(), book.nameOf(7, address("198.18.0.2")));
        assertEquals(Optional.of("a.example.test"), book.nameOf(7, address("198.18.0.1")));
        assertEquals(Optional.of("d.example.test"), book.nameOf(7, address("198.18.0.4")));
    }

    @Test
    void expiredEntriesAreSweptAsNewOnesComeWithoutALookup() throws Exception {
        NameBook book = book(1000);
        for (int i = 0; i < 100; i++) {
            book.remember(7, "old.example.test", address("198.18.1." + i), now + SECOND);
        }
        now += 120 * SECOND;
        for (int i = 0; i < 100; i++) {
            book.remember(7, "new.example.test", address("198.18.2." + i), now + SECOND);
        }

        assertEquals(100, book.size());
    }

    @Test
    void aBookHoldsAtLeastOneEntry() {
        assertThrows(IllegalArgumentException.class, () -> book(0));
    }
}
