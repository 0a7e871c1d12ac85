package dev.outrigger.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * What the cold-start bench reads from template.yaml for a function: its Handler, MemorySize and Timeout (the
 * resource's value, else Globals.Function's, else SAM's defaults), so the measured JVM is started with the handler
 * and heap the deployed function gets. Read from SnakeYAML's node tree, so the short-form intrinsics elsewhere in the
 * template need no constructors.
 */
final class TemplateFunctions {
    /** SAM's defaults when neither the function nor Globals set them. */
    private static final int DEFAULT_MEMORY_MB = 128;
    private static final int DEFAULT_TIMEOUT_S = 3;

    record Function(String logicalId, String handler, int memoryMb, int timeoutS) {
    }

    private final MappingNode root;
    private final Path file;

    private TemplateFunctions(MappingNode root, Path file) {
        this.root = root;
        this.file = file;
    }

    static TemplateFunctions load(Path template) throws IOException {
        try (Reader reader = Files.newBufferedReader(template)) {
            Node root = new Yaml(new LoaderOptions()).compose(reader);
            if (!(root instanceof MappingNode map)) {
                throw new IOException(template + ": not a YAML map");
            }
            return new TemplateFunctions(map, template);
        }
    }

    Function function(String logicalId) {
        Node resource = get(get(root, "Resources"), logicalId);
        if (resource == null) {
            throw new IllegalArgumentException(file + ": no resource " + logicalId);
        }
        Node properties = get(resource, "Properties");
        Node globals = get(get(root, "Globals"), "Function");
        String handler = scalar(get(properties, "Handler"));
        if (handler == null) {
            throw new IllegalArgumentException(file + ": " + logicalId + " has no Handler");
        }
        return new Function(logicalId, handler, integer(properties, globals, "MemorySize", DEFAULT_MEMORY_MB),
                integer(properties, globals, "Timeout", DEFAULT_TIMEOUT_S));
    }

    /** A plain scalar at a path of keys from the template's root, e.g. ("Parameters", "X", "Default"); null when absent. */
    String scalarAt(String... path) {
        Node node = root;
        for (String key : path) {
            node = get(node, key);
        }
        return scalar(node);
    }

    private static int integer(Node properties, Node globals, String key, int fallback) {
        String value = scalar(get(properties, key));
        if (value == null) {
            value = scalar(get(globals, key));
        }
        return value == null ? fallback : Integer.parseInt(value);
    }

    private static Node get(Node map, String key) {
        if (!(map instanceof MappingNode m)) {
            return null;
        }
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    /** A plain scalar's text; null for a missing key or an intrinsic (a tagged node), which the bench can't resolve. */
    private static String scalar(Node node) {
        return node instanceof ScalarNode s && !s.getTag().getValue().startsWith("!") ? s.getValue() : null;
    }
}
