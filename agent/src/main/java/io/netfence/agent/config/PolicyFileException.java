package io.netfence.agent.config;

import java.util.List;

/** Everything wrong with one or more policy files, each as {@code file:line:column: reason}. */
public final class PolicyFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> errors;

    public PolicyFileException(List<String> errors) {
        super(errors.size() == 1 ? errors.get(0) : errors.size() + " errors:\n  " + String.join("\n  ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
