package io.netfence.agent.names;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.agent.policy.NamePattern;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NameSummaryTest {

    @Test
    void noRefusalNoLine() {
        assertEquals(Optional.empty(), NameSummary.refused(new NameStats()));
    }

    @Test
    void refusedNamesAreListedInOrderAFewThenHowManyMore() {
        NameStats stats = new NameStats();
        for (String name : List.of("t.example.test", "a.example.test", "t.example.test", "z.example.test", "b.example.test",
                "c.example.test")) {
            stats.refused(name);
        }

        assertEquals("netfence: refused 6 lookups: t.example.test, a.example.test, z.example.test and 2 more",
                NameSummary.refused(stats).orElseThrow());
    }

    @Test
    void oneRefusal() {
        NameStats stats = new NameStats();
        stats.refused("tracker.example.test");

        assertEquals("netfence: refused 1 lookup: tracker.example.test", NameSummary.refused(stats).orElseThrow());
    }

    @Test
    void moreNamesThanKeptAreCountedAsAtLeast() {
        NameStats stats = new NameStats();
        IntStream.range(0, 100).forEach(i -> stats.refused("n" + i + ".example.test"));

        assertEquals("netfence: refused 100 lookups: n0.example.test, n1.example.test, n2.example.test and at least 62 more",
                NameSummary.refused(stats).orElseThrow());
    }

    @Test
    void aFewItemsAreAllShown() {
        assertEquals("a", NameSummary.few(List.of("a"), false));
        assertEquals("a and b", NameSummary.few(List.of("a", "b"), false));
        assertEquals("a, b, c and d", NameSummary.few(List.of("a", "b", "c", "d"), false));
        assertEquals("a, b, c and 2 more", NameSummary.few(List.of("a", "b", "c", "d", "e"), false));
    }

    @Test
    void theHintNamesThePatternsNoLookupMatchedAndWhy() {
        assertEquals(Optional.empty(), NameSummary.unseen(List.of()));
        assertEquals("netfence: no DNS lookup of api.example.test and *.cdn.example.test was seen: programs that resolve through "
                        + "nscd, systemd-resolved's varlink/D-Bus, DNS-over-HTTPS/TLS or an IPv6 resolver never teach netfence a "
                        + "name (README, \"Name rules\")",
                NameSummary.unseen(List.of(NamePattern.parse("api.example.test"), NamePattern.parse("*.cdn.example.test"))).orElseThrow());
    }
}
