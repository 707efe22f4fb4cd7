package io.netfence.agent.names;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.agent.datapath.NameTable;
import io.netfence.agent.policy.NamePattern;
import io.netfence.agent.policy.Verdict;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NameSightingsTest {

    private static NameTable table(String... patterns) {
        return new NameTable(Stream.of(patterns).map(p -> new NameTable.Entry(NamePattern.parse(p), Verdict.ALLOW, 0)).toList());
    }

    private static List<String> unseen(NameSightings sightings) {
        return sightings.unseen().stream().map(NamePattern::toString).toList();
    }

    @Test
    void aLookupMarksItsExactNameAndEveryWildcardAboveIt() {
        NameSightings sightings = NameSightings.of(table("api.example.test", "*.example.test", "*.test", "*.other.test"));

        sightings.saw("api.example.test");

        assertEquals(List.of("*.other.test"), unseen(sightings));
    }

    @Test
    void aWildcardDoesNotMatchItsOwnSuffixNorAnExactNameItsParent() {
        NameSightings sightings = NameSightings.of(table("*.example.test", "example.test", "a.b.example.test"));

        sightings.saw("example.test");
        sightings.saw("b.example.test");

        assertEquals(List.of("a.b.example.test"), unseen(sightings));
    }

    @Test
    void aPatternOfBothDirectionsIsListedOnce() {
        NameSightings sightings = NameSightings.of(table("api.example.test", "cdn.example.test"), table("api.example.test"));

        assertEquals(List.of("api.example.test", "cdn.example.test"), unseen(sightings));
    }

    @Test
    void nothingIsUnseenWithoutNameRules() {
        NameSightings sightings = NameSightings.of(NameTable.EMPTY);
        sightings.saw("api.example.test");

        assertEquals(List.of(), unseen(sightings));
    }
}
