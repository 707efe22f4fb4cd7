package io.netfence.agent.cli;

import io.netfence.agent.config.DurationText;
import java.time.Duration;

/** A duration option's value, or a usage error naming the option. */
final class DurationOption {
    private DurationOption() {}

    static Duration parse(String option, String text) {
        try {
            Duration duration = DurationText.parse(text);
            if (duration.isZero()) {
                throw new UsageException(option + ": the duration must be more than 0");
            }
            return duration;
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }
}
