package io.netfence.vmtests;

import io.netfence.vmtests.fixtures.Netfence;
import io.netfence.vmtests.fixtures.Probe;
import io.netfence.vmtests.fixtures.Result;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds {@code netfence run RULES -- probe.py PROBES} invocations. */
final class Confined {
    private final String cgroupParent;
    private final List<String> rules = new ArrayList<>();

    private Confined(String cgroupParent) {
        this.cgroupParent = cgroupParent;
    }

    static Confined under(String cgroupParent) {
        return new Confined(cgroupParent);
    }

    Confined rule(String option, String rule) {
        rules.add(option);
        rules.add(rule);
        return this;
    }

    Confined deny(String rule) {
        return rule("--deny", rule);
    }

    Confined allow(String rule) {
        return rule("--allow", rule);
    }

    Confined flag(String flag) {
        rules.add(flag);
        return this;
    }

    /** Runs the probes (see probe.py) confined; one stdout line per probe. */
    Result probe(String... probes) {
        return command(Probe.command(probes));
    }

    Result command(List<String> command) {
        return command(command, io.netfence.vmtests.fixtures.Processes.DEFAULT_TIMEOUT);
    }

    Result command(List<String> command, java.time.Duration timeout) {
        List<String> args = new ArrayList<>(List.of("run", "--cgroup-parent", cgroupParent));
        args.addAll(rules);
        args.add("--");
        args.addAll(command);
        return Netfence.run(timeout, args.toArray(String[]::new));
    }

    static List<String> words(String... words) {
        return Arrays.asList(words);
    }
}
