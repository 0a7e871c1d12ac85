package dev.outrigger.local.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * Resolved property values read as numbers, booleans, strings and maps, with CloudFormation's loose typing ("30" is
 * 30, "true" is true) and an error at the property's line when a value is not what the property needs.
 */
final class PropertyValues {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final TemplateResources resources;

    PropertyValues(String file, TemplateResources resources) {
        this.file = file;
        this.resources = resources;
    }

    /** An error at the line of the resource's {@code property} (or of the resource, when it has none). */
    TemplateException error(String id, String property, String reason) {
        return new TemplateException(file, resources.propertyLine(id, property), "resource " + id, reason);
    }

    int integer(Object v, String id, String property, int dflt) {
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw error(id, property.contains(".") ? property.substring(0, property.indexOf('.')) : property,
                    property + " must be a whole number, got '" + v + "'");
        }
    }

    double number(Object v, String id, String property) {
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw error(id, property, property + " must be a number, got '" + v + "'");
        }
    }

    boolean bool(Object v, String id, String property, boolean dflt) {
        if (v == null) {
            return dflt;
        }
        Boolean b = bool(v);
        if (b == null) {
            throw error(id, property, property + " must be true or false, got '" + v + "'");
        }
        return b;
    }

    /** true or false (also as any-case strings), else null. */
    static Boolean bool(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v);
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        return null;
    }

    static String str(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Double d && d == Math.rint(d)) {
            return String.valueOf(d.longValue());
        }
        return String.valueOf(v);
    }

    static List<String> strings(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return v == null ? List.of() : List.of(String.valueOf(v));
    }

    /** A target's Input: a string as written, anything else as JSON. */
    static String inputString(Object v) {
        return v instanceof String s ? s : toJson(v);
    }

    static String toJson(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, Object> asMap(Object v) {
        return asMap(file, v);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(String file, Object v) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new TemplateException(file, 0, null, "expected a map, got " + v);
    }

    /** JSON text to a map (a RedrivePolicy written as a string); throws what Jackson throws. */
    static Map<?, ?> parseJsonMap(String json) throws JsonProcessingException {
        return JSON.readValue(json, Map.class);
    }
}
