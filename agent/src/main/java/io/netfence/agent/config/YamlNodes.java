package io.netfence.agent.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

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

    String file() {
        return file;
    }

    List<String> errors() {
        return errors;
    }

    /**
     * The document's root node; empty when the text has none (an empty file) or is refused, in
     * which case the reason is among {@link #errors()}.
     */
    Optional<Node> compose(String text) {
        Optional<String> refusal = PolicyText.check(file, text);
        if (refusal.isPresent()) {
            errors.add(refusal.get());
            return Optional.empty();
        }
        LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false)
                .setCodePointLimit(PolicyLimits.MAX_FILE_BYTES).setMaxAliasesForCollections(10).build();
        try {
            Parser parser = new DepthLimitedParser(new ParserImpl(settings, new StreamReader(settings, text)), PolicyLimits.MAX_NESTING_DEPTH);
            return new Composer(settings, parser).getSingleNode();
        } catch (StackOverflowError e) {
            errors.add(file + ": nested too deeply (the limit is " + PolicyLimits.MAX_NESTING_DEPTH + " levels)");
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            errors.add(PolicyLimits.cut(where(mark) + "YAML syntax error: " + e.getProblem()));
        } catch (YamlEngineException e) {
            errors.add(PolicyLimits.cut(file + ": YAML syntax error: " + e.getMessage()));
        } catch (RuntimeException e) {
            // the YAML library's own bugs (the fuzz test found one) must refuse a file, not stop a reload
            errors.add(PolicyLimits.cut(file + ": cannot be read as YAML (" + e + ")"));
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
        errors.add(PolicyLimits.cut(where(node) + reason));
    }

    /**
     * A mapping's entries by key; unknown and duplicate keys are reported. Composing does not
     * refuse duplicates (only constructing objects does), so a second {@code egress:} would
     * silently replace the first: the check lives here, where the nodes are walked.
     */
    Optional<Map<String, Node>> mapping(Node node, String what, Set<String> allowedKeys) {
        if (!(node instanceof MappingNode mapping)) {
            error(node, what + " must be a mapping (key: value)");
            return Optional.empty();
        }
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Node> keyNodes = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Optional<String> key = scalar(tuple.getKeyNode(), "a key");
            if (key.isEmpty()) {
                continue;
            }
            if (entries.containsKey(key.get())) {
                error(tuple.getKeyNode(), "duplicate key '" + key.get() + "' in " + what + " (first at "
                        + where(keyNodes.get(key.get())).replaceFirst(": $", "") + ")");
            } else if (!allowedKeys.contains(key.get())) {
                error(tuple.getKeyNode(), "unknown key '" + key.get() + "' in " + what + " (expected " + String.join(", ", allowedKeys) + ")");
            } else {
                entries.put(key.get(), tuple.getValueNode());
                keyNodes.put(key.get(), tuple.getKeyNode());
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
