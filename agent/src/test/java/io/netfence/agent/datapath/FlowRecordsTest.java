package io.netfence.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.agent.datapath.abi.FlowKey;
import io.netfence.agent.datapath.abi.FlowValue;
import org.junit.jupiter.api.Test;

/** The flow map's memory where the kernel does not say it. */
class FlowRecordsTest {
    @Test
    void theEstimateIsTheHashMapsElementsAndBuckets() {
        // (48 + 32 + 40) bytes an element, 16 a bucket: 65536 x 136 = 8.5 MiB, as README says
        assertEquals(65536L * 136, FlowRecords.estimatedBytes(65536, FlowKey.SIZE, FlowValue.SIZE));
        // buckets are a power of two
        assertEquals(100_000L * 120 + 131_072L * 16, FlowRecords.estimatedBytes(100_000, FlowKey.SIZE, FlowValue.SIZE));
    }
}
