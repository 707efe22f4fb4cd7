package io.netfence.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads YAML as nodes, which keep their positions, so that every complaint names the file, line
 * and column it is about. Errors are collected, not thrown one at a time.
 */
final class YamlNodes {
    private final String file;
    private final List<String> errors = new ArrayList<>();

    YamlNodes(String file) {
        this.file = file;
    }

    List<String> errors() {
        return errors;
    }

    Optional<Node> compose(String text) {
        try {
            return new Compose(LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false).build()).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            errors.add(where(mark) + "YAML syntax error: " + e.getProblem());
        } catch (YamlEngineException e) {
            errors.add(file + ": YAML syntax error: " + e.getMessage());
        }
        return Optional.empty();
    }

    String where(Node node) {
        return where(node.getStartMark().orElse(null));
    }

    private String where(Mark mark) {
        return mark == null ? file + ": " : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ";
    }

    void error(Node node, String reason) {
        errors.add(where(node) + reason);
    }

    /** A mapping's entries by key; unknown and duplicate keys are reported. */
    Optional<Map<String, Node>> mapping(Node node, String what, Set<String> allowedKeys) {
        if (!(node instanceof MappingNode mapping)) {
            error(node, what + " must be a mapping (key: value)");
            return Optional.empty();
        }
        Map<String, Node> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Optional<String> key = scalar(tuple.getKeyNode(), "a key");
            if (key.isEmpty()) {
                continue;
            }
            if (!allowedKeys.contains(key.get())) {
                error(tuple.getKeyNode(), "unknown key '" + key.get() + "' in " + what + " (expected " + String.join(", ", allowedKeys) + ")");
            } else {
                entries.put(key.get(), tuple.getValueNode());
            }
        }
        return Optional.of(entries);
    }

    Optional<List<Node>> sequence(Node node, String what) {
        if (!(node instanceof SequenceNode sequence)) {
            error(node, what + " must be a list");
            return Optional.empty();
        }
        return Optional.of(sequence.getValue());
    }

    Optional<String> scalar(Node node, String what) {
        if (!(node instanceof ScalarNode scalar)) {
            error(node, what + " must be a single value");
            return Optional.empty();
        }
        return Optional.of(scalar.getValue());
    }

    /** A required key's value, or an error at the mapping. */
    Optional<Node> required(Map<String, Node> entries, Node mapping, String key, String what) {
        Node value = entries.get(key);
        if (value == null) {
            error(mapping, what + " has no '" + key + "'");
        }
        return Optional.ofNullable(value);
    }
}
