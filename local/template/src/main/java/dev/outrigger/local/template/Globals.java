package dev.outrigger.local.template;

import dev.outrigger.local.template.YNode.YList;
import dev.outrigger.local.template.YNode.YMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SAM's Globals section: the Function and StateMachine sections, merged into the Properties of the types whose
 * {@link ResourceKind#globals()} names them.
 */
final class Globals {
    static final Globals NONE = new Globals(Map.of());

    private final Map<String, YMap> sections;

    private Globals(Map<String, YMap> sections) {
        this.sections = sections;
    }

    /** Reads the Globals section ({@code node} may be null). */
    static Globals read(String file, YNode node) {
        if (node == null) {
            return NONE;
        }
        if (!(node instanceof YMap g)) {
            throw new TemplateException(file, node.line(), "Globals", "Globals must be a map");
        }
        Map<String, YMap> sections = new LinkedHashMap<>();
        for (Map.Entry<String, YNode> e : g.entries().entrySet()) {
            switch (e.getKey()) {
                case "Function", "StateMachine" -> sections.put(e.getKey(), (YMap) e.getValue());
                case "Api", "HttpApi", "SimpleTable", "LayerVersion" -> {
                    // those resource types are not emulated; their globals do not matter locally
                }
                default -> throw new TemplateException(file, e.getValue().line(), "Globals", "unknown Globals section " + e.getKey());
            }
        }
        return new Globals(sections);
    }

    /** A resource's Properties ({@code properties} may be null) with its type's globals merged in. */
    YNode applyTo(ResourceKind kind, YNode properties, int resourceLine) {
        YMap global = kind.globals() == null ? null : sections.get(kind.globals());
        if (global == null) {
            return properties;
        }
        return merge(global, properties == null ? new YMap(Map.of(), resourceLine) : properties);
    }

    /**
     * SAM's Globals rules (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html):
     * maps are merged (the resource wins key by key, recursively: Environment.Variables merge), lists are
     * appended (globals first), anything else is overridden by the resource.
     */
    static YNode merge(YNode global, YNode local) {
        if (local == null) {
            return global;
        }
        if (global instanceof YMap g && local instanceof YMap l && !isIntrinsic(g) && !isIntrinsic(l)) {
            Map<String, YNode> merged = new LinkedHashMap<>(g.entries());
            for (Map.Entry<String, YNode> e : l.entries().entrySet()) {
                merged.put(e.getKey(), merge(merged.get(e.getKey()), e.getValue()));
            }
            return new YMap(merged, l.line());
        }
        if (global instanceof YList g && local instanceof YList l) {
            List<YNode> items = new ArrayList<>(g.items());
            items.addAll(l.items());
            return new YList(items, l.line());
        }
        return local;
    }

    private static boolean isIntrinsic(YMap m) {
        if (m.entries().size() != 1) {
            return false;
        }
        String k = m.entries().keySet().iterator().next();
        return k.equals("Ref") || k.startsWith("Fn::");
    }
}
