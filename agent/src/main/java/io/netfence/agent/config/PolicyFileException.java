package io.netfence.agent.config;

import java.util.List;

/** Everything wrong with one or more policy files, each as {@code file:line:column: reason}. */
public final class PolicyFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> errors;

    public PolicyFileException(List<String> errors) {
        super(summary(errors));
        this.errors = errors.stream().map(PolicyLimits::cut).toList();
    }

    private static String summary(List<String> errors) {
        List<String> cut = errors.stream().map(PolicyLimits::cut).toList();
        return cut.size() == 1 ? cut.get(0) : cut.size() + " errors:\n  " + String.join("\n  ", cut);
    }

    public List<String> errors() {
        return errors;
    }
}
