package dev.outrigger.local.template;

import dev.outrigger.local.template.YNode.YList;
import dev.outrigger.local.template.YNode.YMap;
import dev.outrigger.local.template.YNode.YScalar;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses a CloudFormation/SAM template with SnakeYAML's composer (nodes, not objects) so the short-form tags
 * need no constructors and each node keeps its line.
 * Short forms: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
final class YamlTemplateParser {
    /** Short-form tags whose long form is {@code Fn::<Name>}. */
    private static final Set<String> FN_TAGS = Set.of("GetAtt", "Sub", "Join", "If", "Select", "FindInMap", "Equals",
            "Not", "And", "Or", "Split", "GetAZs", "Base64", "ImportValue", "Cidr", "Transform", "Length",
            "ToJsonString", "ForEach");

    private final String file;

    YamlTemplateParser(String file) {
        this.file = file;
    }

    YNode parse(Reader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(20 * 1024 * 1024);
        Node root;
        try {
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new TemplateException(file, line, null, "invalid YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            throw new TemplateException(file, 0, null, "invalid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new TemplateException(file, 1, null, "the template is empty");
        }
        return convert(root);
    }

    private YNode convert(Node node) {
        int line = node.getStartMark().getLine() + 1;
        Tag tag = node.getTag();
        String tagValue = tag.getValue();
        if (tagValue.startsWith("!")) {
            String name = tagValue.substring(1);
            if (name.equals("Ref") || name.equals("Condition")) {
                return new YMap(Map.of(name, plain(node)), line);
            }
            if (FN_TAGS.contains(name)) {
                YNode argument = plain(node);
                if (name.equals("GetAtt") && argument instanceof YScalar s && s.value() instanceof String dotted) {
                    int dot = dotted.indexOf('.');
                    if (dot < 0) {
                        throw new TemplateException(file, line, null, "!GetAtt needs LogicalId.Attribute, got '" + dotted + "'");
                    }
                    argument = new YList(List.of(new YScalar(dotted.substring(0, dot), line),
                            new YScalar(dotted.substring(dot + 1), line)), line);
                }
                return new YMap(Map.of("Fn::" + name, argument), line);
            }
            throw new TemplateException(file, line, null, "unknown YAML tag " + tagValue);
        }
        return plain(node);
    }

    /** The node's value ignoring its own tag (the tag has been handled by the caller). */
    private YNode plain(Node node) {
        int line = node.getStartMark().getLine() + 1;
        if (node instanceof ScalarNode scalar) {
            return new YScalar(scalarValue(scalar), line);
        }
        if (node instanceof SequenceNode seq) {
            List<YNode> items = new ArrayList<>();
            for (Node item : seq.getValue()) {
                items.add(convert(item));
            }
            return new YList(items, line);
        }
        MappingNode map = (MappingNode) node;
        Map<String, YNode> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new TemplateException(file, tuple.getKeyNode().getStartMark().getLine() + 1, null, "map keys must be scalars");
            }
            if (entries.put(key.getValue(), convert(tuple.getValueNode())) != null) {
                throw new TemplateException(file, key.getStartMark().getLine() + 1, null, "duplicate key " + key.getValue());
            }
        }
        return new YMap(entries, line);
    }

    private static Object scalarValue(ScalarNode scalar) {
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        try {
            if (Tag.INT.equals(tag)) {
                return Long.decode(text.replace("_", ""));
            }
            if (Tag.FLOAT.equals(tag)) {
                return Double.parseDouble(text.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            return text;
        }
        if (Tag.BOOL.equals(tag)) {
            return switch (text.toLowerCase()) {
                case "true", "yes", "on", "y" -> Boolean.TRUE;
                default -> Boolean.FALSE;
            };
        }
        if (Tag.NULL.equals(tag)) {
            return null;
        }
        return text;
    }
}
