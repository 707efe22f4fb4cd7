package io.netfence.agent.daemon.metrics;

import java.util.List;

/** One time series of a counter family: its family name and label values, in the family's label order. */
record Series(String family, List<String> labels) {
    static Series of(String family, String... labels) {
        return new Series(family, List.of(labels));
    }
}
