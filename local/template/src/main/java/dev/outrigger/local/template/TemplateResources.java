package dev.outrigger.local.template;

import dev.outrigger.local.template.ResourceKind.Family;
import dev.outrigger.local.template.ResourceKind.Value;
import dev.outrigger.local.template.YNode.YMap;
import dev.outrigger.local.template.YNode.YScalar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The template's resources whose Condition holds, in template order, with SAM's implicit ones: their kinds, their
 * Properties (Globals merged, intrinsics resolved, once), their physical names and ARNs, and what Ref and
 * Fn::GetAtt give for them, all read from {@link ResourceKind}'s table.
 */
final class TemplateResources {
    private final String file;
    private final LocalEndpoints endpoints;
    private final Intrinsics intrinsics;
    private final Globals globals;
    private final Map<String, YMap> nodes = new LinkedHashMap<>();
    private final Map<String, ResourceKind> kinds = new LinkedHashMap<>();
    /** SAM's implicitly generated resources (FunctionRole, FunctionAlias…) which may be Ref'd. */
    private final Map<String, ResourceKind> implicit = new HashMap<>();
    private final Map<String, String> physicalNames = new HashMap<>();
    private final Set<String> namesInProgress = new HashSet<>();
    private final Map<String, Map<String, Object>> resolvedProperties = new HashMap<>();
    private final Set<String> propertiesInProgress = new HashSet<>();

    TemplateResources(String file, LocalEndpoints endpoints, Intrinsics intrinsics, Globals globals) {
        this.file = file;
        this.endpoints = endpoints;
        this.intrinsics = intrinsics;
        this.globals = globals;
    }

    /** Adds a resource the stack creates, and what SAM generates for it. */
    void add(String id, String type, YMap node) {
        nodes.put(id, node);
        kinds.put(id, ResourceKind.of(type));
        if (type.equals("AWS::Serverless::Function")) {
            implicit.put(id + "Role", ResourceKind.of("AWS::IAM::Role"));
            if (node.get("Properties") instanceof YMap p && p.get("AutoPublishAlias") instanceof YScalar alias) {
                implicit.put(id + "Alias" + alias.value(), ResourceKind.of("AWS::Lambda::Alias"));
            }
        }
        if (type.equals("AWS::Serverless::StateMachine")) {
            implicit.put(id + "Role", ResourceKind.of("AWS::IAM::Role"));
        }
    }

    /** Logical ids in template order (SAM's implicit resources are not among them). */
    Set<String> ids() {
        return kinds.keySet();
    }

    /** Logical ids of one family, in template order. */
    List<String> ids(Family family) {
        return kinds.keySet().stream().filter(id -> kinds.get(id).is(family)).toList();
    }

    ResourceKind kind(String id) {
        return kinds.get(id);
    }

    /** The resource's line in the template. */
    int line(String id) {
        return nodes.get(id).line();
    }

    /** The line of Properties.k1.k2…, or of the deepest of them that is there. */
    int propertyLine(String id, String... keys) {
        YNode n = nodes.get(id).get("Properties");
        for (String key : keys) {
            if (n instanceof YMap m && m.get(key) != null) {
                n = m.get(key);
            } else {
                break;
            }
        }
        return n == null ? nodes.get(id).line() : n.line();
    }

    /** What Ref gives for a resource, or null when {@code id} is not one. */
    Object ref(String id) {
        ResourceKind kind = kindOf(id);
        if (kind == null) {
            return null;
        }
        return value(kind.ref(), id, physicalName(id));
    }

    /** What Fn::GetAtt gives, or null when {@code id} is not a resource. */
    Object getAtt(String id, String attribute, int line, String scope) {
        ResourceKind kind = kindOf(id);
        if (kind == null) {
            return null;
        }
        String physical = physicalName(id);
        Value value = kind.attributes().get(attribute);
        if (value != null) {
            return value(value, id, physical);
        }
        if (kind.emulated()) {
            throw intrinsics.error(line, scope, "Fn::GetAtt " + id + "." + attribute + " is not supported locally for " + kind.type());
        }
        return "local-" + id + "-" + attribute;   // a placeholder: the resource is not emulated
    }

    private Object value(Value value, String id, String physicalName) {
        return switch (value) {
            case PHYSICAL_NAME -> physicalName;
            case ARN -> arn(id);
            case QUEUE_URL -> endpoints.queueUrl(physicalName);
        };
    }

    /** The resource's name: its name property if set, else a generated one (CloudFormation adds a suffix; we don't). */
    String physicalName(String id) {
        String known = physicalNames.get(id);
        if (known != null) {
            return known;
        }
        ResourceKind kind = kindOf(id);
        YMap node = nodes.get(id);
        String nameProperty = kind.nameProperty();
        String name = null;
        if (node != null && node.get("Properties") instanceof YMap props && props.get(nameProperty) != null) {
            if (!namesInProgress.add(id)) {
                throw intrinsics.error(props.get(nameProperty).line(), "resource " + id, nameProperty + " refers to itself");
            }
            Object v = intrinsics.resolve(props.get(nameProperty), "resource " + id);
            namesInProgress.remove(id);
            if (v != Intrinsics.NO_VALUE && v != null) {
                name = intrinsics.string(v, props.get(nameProperty).line(), "resource " + id, nameProperty);
            }
        }
        if (name == null) {
            name = id;
            if (kind.fifoProperty() != null && node != null && node.get("Properties") instanceof YMap props
                    && props.get(kind.fifoProperty()) instanceof YScalar f && Boolean.TRUE.equals(PropertyValues.bool(f.value()))) {
                name = id + ".fifo";   // CloudFormation appends .fifo to generated FIFO queue names
            }
        }
        physicalNames.put(id, name);
        return name;
    }

    String arn(String id) {
        String name = physicalName(id);
        return kindOf(id).arn().of(endpoints, name, id);
    }

    private ResourceKind kindOf(String id) {
        ResourceKind kind = kinds.get(id);
        return kind != null ? kind : implicit.get(id);
    }

    /** Properties with Globals merged and intrinsics resolved; an empty map when it has none. */
    Map<String, Object> properties(String id) {
        Map<String, Object> known = resolvedProperties.get(id);
        if (known != null) {
            return known;
        }
        if (!propertiesInProgress.add(id)) {
            throw new TemplateException(file, nodes.get(id).line(), "resource " + id, "circular reference");
        }
        YMap node = nodes.get(id);
        YNode props = globals.applyTo(kinds.get(id), node.get("Properties"), node.line());
        Map<String, Object> resolved = props == null ? new LinkedHashMap<>()
                : PropertyValues.asMap(file, intrinsics.resolve(props, "resource " + id));
        propertiesInProgress.remove(id);
        resolvedProperties.put(id, resolved);
        return resolved;
    }

    /**
     * The resource with its Properties. A resource that is not emulated may use what cannot be resolved locally: its
     * properties are then null and the note says why.
     */
    ResourceDef resourceDef(String id) {
        ResourceKind kind = kinds.get(id);
        int line = line(id);
        if (kind.emulated()) {
            return new ResourceDef(id, kind.type(), properties(id), line, null);
        }
        try {
            return new ResourceDef(id, kind.type(), properties(id), line, null);
        } catch (TemplateException e) {
            propertiesInProgress.remove(id);
            return new ResourceDef(id, kind.type(), null, line, e.getMessage() + " (ignored: not emulated)");
        }
    }

    /** The queue of this template with that ARN, or null. */
    String queueByArn(String arn) {
        for (String id : ids(Family.QUEUE)) {
            if (arn(id).equals(arn)) {
                return id;
            }
        }
        return null;
    }

    /** The function of this template with that ARN (also with a :qualifier) or name, or null. */
    String functionByArnOrName(String ref) {
        for (String id : ids(Family.FUNCTION)) {
            String arn = arn(id);
            if (arn.equals(ref) || ref.startsWith(arn + ":") || physicalName(id).equals(ref)) {
                return id;
            }
        }
        return null;
    }
}
