package io.netfence.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapTrimTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void aHeapLeftMostlyFreeByALargeInputIsCollected() {
        assertTrue(HeapTrim.mostlyFree(230 * MIB, 256 * MIB));
    }

    @Test
    void aHeapHoldingLargePoliciesIsLeftAloneThoughMuchOfItIsFree() {
        assertFalse(HeapTrim.mostlyFree(60 * MIB, 256 * MIB), "196 MiB in use: collecting would free little, every 5 s");
    }

    @Test
    void aSmallIdleHeapIsLeftAlone() {
        assertFalse(HeapTrim.mostlyFree(10 * MIB, 16 * MIB));
    }
}
