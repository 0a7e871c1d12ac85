package dev.outrigger.local.template;

import dev.outrigger.local.template.YNode.YMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The template's Parameters (Default, {@code --param} overrides, AllowedValues, AllowedPattern, Number, lists) and
 * the pseudo parameters: what a {@code Ref} to a name that is not a resource gives.
 */
final class Parameters {
    private final String file;
    private final Intrinsics intrinsics;
    private final LocalEndpoints endpoints;
    /** A String, or a List for CommaDelimitedList and List&lt;…&gt;. */
    private final Map<String, Object> values = new LinkedHashMap<>();

    Parameters(String file, Intrinsics intrinsics, LocalEndpoints endpoints) {
        this.file = file;
        this.intrinsics = intrinsics;
        this.endpoints = endpoints;
    }

    /** Reads the Parameters section ({@code node} may be null) with the {@code --param} overrides. */
    void read(YNode node, Map<String, String> overrides) {
        Map<String, YNode> declared = node instanceof YMap m ? m.entries() : Map.of();
        for (String key : overrides.keySet()) {
            if (!declared.containsKey(key)) {
                throw new TemplateException(file, node == null ? 0 : node.line(), "parameter " + key,
                        "--param " + key + " is not a parameter of the template (known: " + String.join(", ", declared.keySet()) + ")");
            }
        }
        for (Map.Entry<String, YNode> e : declared.entrySet()) {
            String name = e.getKey();
            String scope = "parameter " + name;
            Map<String, Object> spec = e.getValue() instanceof YMap
                    ? PropertyValues.asMap(file, intrinsics.resolve(e.getValue(), scope)) : Map.of();
            String type = String.valueOf(spec.getOrDefault("Type", "String"));
            String value = overrides.get(name);
            if (value == null && spec.containsKey("Default")) {
                value = intrinsics.string(spec.get("Default"), e.getValue().line(), scope, "Default");
            }
            if (value == null) {
                if (type.startsWith("AWS::SSM::Parameter::Value")) {
                    throw new TemplateException(file, e.getValue().line(), scope,
                            "SSM parameter types are not resolved locally; pass --param " + name + "=VALUE");
                }
                throw new TemplateException(file, e.getValue().line(), scope, "has no Default; pass --param " + name + "=VALUE");
            }
            if (spec.get("AllowedValues") instanceof List<?> allowed && !allowed.isEmpty()) {
                List<String> allowedStrings = allowed.stream().map(String::valueOf).toList();
                if (!allowedStrings.contains(value)) {
                    int line = ((YMap) e.getValue()).get("AllowedValues").line();
                    throw new TemplateException(file, line, scope, "value '" + value + "' is not one of AllowedValues " + allowedStrings);
                }
            }
            if (spec.get("AllowedPattern") instanceof String pattern && !Pattern.matches(pattern, value)) {
                throw new TemplateException(file, e.getValue().line(), scope, "value '" + value + "' does not match AllowedPattern " + pattern);
            }
            if (type.equals("Number")) {
                try {
                    Double.parseDouble(value);
                } catch (NumberFormatException ex) {
                    throw new TemplateException(file, e.getValue().line(), scope, "Type Number, got '" + value + "'");
                }
            }
            if (type.equals("CommaDelimitedList") || type.startsWith("List<")) {
                List<Object> items = new ArrayList<>();
                for (String s : value.split(",", -1)) {
                    items.add(s.trim());
                }
                values.put(name, items);
            } else {
                values.put(name, value);
            }
        }
    }

    /** A pseudo parameter's or a parameter's value, or null when {@code name} is neither. */
    Object value(String name) {
        return switch (name) {
            case "AWS::Region" -> endpoints.region();
            case "AWS::AccountId" -> endpoints.accountId();
            case "AWS::StackName" -> LocalTemplate.STACK_NAME;
            case "AWS::StackId" -> endpoints.arn("cloudformation", "stack/" + LocalTemplate.STACK_NAME + "/00000000-0000-0000-0000-000000000000");
            case "AWS::Partition" -> "aws";
            case "AWS::URLSuffix" -> "amazonaws.com";
            case "AWS::NoValue" -> Intrinsics.NO_VALUE;
            case "AWS::NotificationARNs" -> new ArrayList<>();
            default -> values.get(name);
        };
    }

    /** Effective values (defaults + overrides), lists joined with commas. */
    Map<String, String> strings() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v)));
        return out;
    }
}
