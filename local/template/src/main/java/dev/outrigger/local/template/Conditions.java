package dev.outrigger.local.template;

import dev.outrigger.local.template.YNode.YMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The template's Conditions, each evaluated once, when first used (a resource's Condition, Fn::If, an output). */
final class Conditions {
    private final Intrinsics intrinsics;
    private final Map<String, YNode> nodes = new LinkedHashMap<>();
    private final Map<String, Boolean> values = new HashMap<>();
    private final Set<String> inProgress = new HashSet<>();

    Conditions(Intrinsics intrinsics) {
        this.intrinsics = intrinsics;
    }

    /**
     * Declares the Conditions section (may be null). Until then every condition is unknown: Parameters and Mappings
     * are read first and cannot use one.
     */
    void declare(YNode section) {
        if (section instanceof YMap c) {
            nodes.putAll(c.entries());
        }
    }

    boolean holds(String name, int line, String scope) {
        Boolean known = values.get(name);
        if (known != null) {
            return known;
        }
        YNode node = nodes.get(name);
        if (node == null) {
            throw intrinsics.error(line, scope, "unknown condition '" + name + "'");
        }
        if (!inProgress.add(name)) {
            throw intrinsics.error(node.line(), "condition " + name, "condition refers to itself");
        }
        boolean value = intrinsics.evaluateCondition(node, "condition " + name);
        inProgress.remove(name);
        values.put(name, value);
        return value;
    }
}
