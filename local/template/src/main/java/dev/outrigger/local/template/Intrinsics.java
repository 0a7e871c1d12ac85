package dev.outrigger.local.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.local.template.YNode.YList;
import dev.outrigger.local.template.YNode.YMap;
import dev.outrigger.local.template.YNode.YScalar;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions over a {@link YNode} tree into plain Java values
 * (Map, List, String, Long, Double, Boolean). Reference:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
final class Intrinsics {
    /** AWS::NoValue: removed from the enclosing map or list. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    /** What Ref and Fn::GetAtt resolve to; implemented by {@link TemplateLoader}. */
    interface Names {
        /** Parameter value, pseudo parameter or a resource's Ref value; null when the name is unknown. */
        Object ref(String name, int line, String scope);

        /** null when the resource is unknown. */
        Object getAtt(String logicalId, String attribute, int line, String scope);

        boolean condition(String name, int line, String scope);

        /** Mappings.name.top.second or null. */
        Object findInMap(String map, String top, String second);

        String region();
    }

    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final Names names;

    Intrinsics(String file, Names names) {
        this.file = file;
        this.names = names;
    }

    TemplateException error(int line, String scope, String reason) {
        return new TemplateException(file, line, scope, reason);
    }

    Object resolve(YNode node, String scope) {
        if (node instanceof YScalar s) {
            return s.value();
        }
        if (node instanceof YList list) {
            List<Object> out = new ArrayList<>();
            for (YNode item : list.items()) {
                Object v = resolve(item, scope);
                if (v != NO_VALUE) {
                    out.add(v);
                }
            }
            return out;
        }
        YMap map = (YMap) node;
        if (map.entries().size() == 1) {
            String key = map.entries().keySet().iterator().next();
            if (key.equals("Ref") || key.startsWith("Fn::")) {
                return function(key, map.entries().get(key), map.line(), scope);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, YNode> e : map.entries().entrySet()) {
            Object v = resolve(e.getValue(), scope);
            if (v != NO_VALUE) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    boolean evaluateCondition(YNode node, String scope) {
        if (node instanceof YMap map && map.entries().size() == 1 && map.entries().containsKey("Condition")) {
            return names.condition(string(resolve(map.get("Condition"), scope), map.line(), scope, "Condition"), map.line(), scope);
        }
        Object v = resolve(node, scope);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw error(node.line(), scope, "a condition must evaluate to true or false, got " + v);
    }

    private Object function(String fn, YNode arg, int line, String scope) {
        switch (fn) {
            case "Ref": {
                String name = string(resolve(arg, scope), line, scope, "Ref");
                Object v = names.ref(name, line, scope);
                if (v == null) {
                    throw error(line, scope, "Ref to unknown parameter or resource '" + name + "'");
                }
                return v;
            }
            case "Fn::GetAtt": {
                List<Object> args = args(fn, arg, line, scope, 2, 2);
                String id = string(args.get(0), line, scope, fn);
                String attr = string(args.get(1), line, scope, fn);
                Object v = names.getAtt(id, attr, line, scope);
                if (v == null) {
                    throw error(line, scope, "Fn::GetAtt to unknown resource '" + id + "'");
                }
                return v;
            }
            case "Fn::Sub":
                return sub(arg, line, scope);
            case "Fn::Join": {
                List<Object> args = args(fn, arg, line, scope, 2, 2);
                String delimiter = string(args.get(0), line, scope, fn);
                List<String> parts = new ArrayList<>();
                for (Object o : list(args.get(1), line, scope, fn)) {
                    parts.add(string(o, line, scope, fn));
                }
                return String.join(delimiter, parts);
            }
            case "Fn::If": {
                if (!(arg instanceof YList l) || l.items().size() != 3) {
                    throw error(line, scope, "Fn::If needs [condition, value_if_true, value_if_false]");
                }
                String cond = string(resolve(l.items().get(0), scope), line, scope, fn);
                return names.condition(cond, line, scope) ? resolve(l.items().get(1), scope) : resolve(l.items().get(2), scope);
            }
            case "Fn::Select": {
                List<Object> args = args(fn, arg, line, scope, 2, 2);
                int index;
                try {
                    index = Integer.parseInt(string(args.get(0), line, scope, fn));
                } catch (NumberFormatException e) {
                    throw error(line, scope, "Fn::Select index must be a number, got " + args.get(0));
                }
                List<Object> items = list(args.get(1), line, scope, fn);
                if (index < 0 || index >= items.size()) {
                    throw error(line, scope, "Fn::Select index " + index + " is out of range (list has " + items.size() + ")");
                }
                return items.get(index);
            }
            case "Fn::FindInMap": {
                List<Object> args = args(fn, arg, line, scope, 3, 4);
                String m = string(args.get(0), line, scope, fn);
                String top = string(args.get(1), line, scope, fn);
                String second = string(args.get(2), line, scope, fn);
                Object v = names.findInMap(m, top, second);
                if (v == null) {
                    if (args.size() == 4 && args.get(3) instanceof Map<?, ?> opts && opts.containsKey("DefaultValue")) {
                        return opts.get("DefaultValue");
                    }
                    throw error(line, scope, "Fn::FindInMap: Mappings." + m + "." + top + "." + second + " does not exist");
                }
                return v;
            }
            case "Fn::Equals": {
                List<Object> args = args(fn, arg, line, scope, 2, 2);
                return String.valueOf(args.get(0)).equals(String.valueOf(args.get(1)));
            }
            case "Fn::Not": {
                if (!(arg instanceof YList l) || l.items().size() != 1) {
                    throw error(line, scope, "Fn::Not needs a list with one condition");
                }
                return !evaluateCondition(l.items().get(0), scope);
            }
            case "Fn::And", "Fn::Or": {
                if (!(arg instanceof YList l) || l.items().size() < 2 || l.items().size() > 10) {
                    throw error(line, scope, fn + " needs a list of 2 to 10 conditions");
                }
                boolean and = fn.equals("Fn::And");
                for (YNode c : l.items()) {
                    boolean v = evaluateCondition(c, scope);
                    if (and && !v) {
                        return false;
                    }
                    if (!and && v) {
                        return true;
                    }
                }
                return and;
            }
            case "Fn::Split": {
                List<Object> args = args(fn, arg, line, scope, 2, 2);
                String delimiter = string(args.get(0), line, scope, fn);
                String source = string(args.get(1), line, scope, fn);
                return new ArrayList<Object>(List.of(source.split(Pattern.quote(delimiter), -1)));
            }
            case "Fn::GetAZs": {
                String r = names.region();
                return new ArrayList<Object>(List.of(r + "a", r + "b", r + "c"));
            }
            case "Fn::Base64":
                return Base64.getEncoder().encodeToString(string(resolve(arg, scope), line, scope, fn).getBytes(StandardCharsets.UTF_8));
            case "Fn::Length":
                return (long) list(resolve(arg, scope), line, scope, fn).size();
            case "Fn::ToJsonString": {
                try {
                    return JSON.writeValueAsString(resolve(arg, scope));
                } catch (JsonProcessingException e) {
                    throw error(line, scope, "Fn::ToJsonString: " + e.getMessage());
                }
            }
            case "Fn::ImportValue":
                throw error(line, scope, "Fn::ImportValue is not supported locally (there are no other stacks to import from); "
                        + "use a Parameter and pass it with --param");
            case "Fn::Cidr", "Fn::Transform", "Fn::ForEach", "Fn::GetStackOutput":
                throw error(line, scope, fn + " is not supported locally");
            default:
                throw error(line, scope, "unknown intrinsic function " + fn);
        }
    }

    private Object sub(YNode arg, int line, String scope) {
        String template;
        Map<String, Object> vars = new LinkedHashMap<>();
        if (arg instanceof YList l) {
            if (l.items().size() != 2) {
                throw error(line, scope, "Fn::Sub needs a string or [string, {variables}]");
            }
            template = string(resolve(l.items().get(0), scope), line, scope, "Fn::Sub");
            if (!(resolve(l.items().get(1), scope) instanceof Map<?, ?> m)) {
                throw error(line, scope, "Fn::Sub variables must be a map");
            }
            m.forEach((k, v) -> vars.put(String.valueOf(k), v));
        } else {
            template = string(resolve(arg, scope), line, scope, "Fn::Sub");
        }
        Matcher matcher = SUB_VAR.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1).trim();
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";    // ${!Literal} writes ${Literal}
            } else if (vars.containsKey(name)) {
                replacement = string(vars.get(name), line, scope, "Fn::Sub");
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                Object v = names.getAtt(name.substring(0, dot), name.substring(dot + 1), line, scope);
                if (v == null) {
                    throw error(line, scope, "Fn::Sub: ${" + name + "} names an unknown resource");
                }
                replacement = string(v, line, scope, "Fn::Sub");
            } else {
                Object v = names.ref(name, line, scope);
                if (v == null) {
                    throw error(line, scope, "Fn::Sub: ${" + name + "} names an unknown parameter or resource");
                }
                replacement = string(v, line, scope, "Fn::Sub");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private List<Object> args(String fn, YNode arg, int line, String scope, int min, int max) {
        if (!(resolve(arg, scope) instanceof List<?> l) || l.size() < min || l.size() > max) {
            throw error(line, scope, fn + " needs a list of " + (min == max ? String.valueOf(min) : min + " to " + max) + " arguments");
        }
        return new ArrayList<>(l);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object value, int line, String scope, String fn) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw error(line, scope, fn + " expects a list, got " + describe(value));
    }

    String string(Object value, int line, String scope, String fn) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
            return String.valueOf(value);
        }
        if (value instanceof Double d) {
            return d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(d);
        }
        throw error(line, scope, fn + " expects a string, got " + describe(value));
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "a map " + value;
        }
        if (value instanceof List) {
            return "a list " + value;
        }
        return "'" + value + "'";
    }
}
