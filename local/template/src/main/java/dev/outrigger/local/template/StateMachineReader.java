package dev.outrigger.local.template;

import static dev.outrigger.local.template.PropertyValues.toJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * AWS::Serverless::StateMachine and AWS::StepFunctions::StateMachine to {@link StateMachineDef}: the definition
 * read from DefinitionUri (relative to the template's folder) or written inline, with DefinitionSubstitutions applied.
 */
final class StateMachineReader {
    private final TemplateResources resources;
    private final PropertyValues values;
    private final Intrinsics intrinsics;
    private final Path template;

    StateMachineReader(TemplateResources resources, PropertyValues values, Intrinsics intrinsics, Path template) {
        this.resources = resources;
        this.values = values;
        this.intrinsics = intrinsics;
        this.template = template;
    }

    StateMachineDef read(String id) {
        Map<String, Object> p = resources.properties(id);
        Map<String, String> subs = new TreeMap<>();
        if (p.get("DefinitionSubstitutions") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> subs.put(String.valueOf(k), v instanceof String || v instanceof Number || v instanceof Boolean
                    ? intrinsics.string(v, resources.propertyLine(id, "DefinitionSubstitutions"), "resource " + id, "DefinitionSubstitutions")
                    : toJson(v)));
        }
        Path definitionPath = null;
        String definition;
        Object uri = p.get("DefinitionUri");
        if (uri instanceof String s) {
            Path base = template.toAbsolutePath().getParent();
            definitionPath = base == null ? Path.of(s) : base.resolve(s).normalize();
            try {
                definition = Files.readString(definitionPath, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw values.error(id, "DefinitionUri", "cannot read DefinitionUri " + s + " (" + definitionPath + ")");
            }
        } else if (uri != null) {
            throw values.error(id, "DefinitionUri", "DefinitionUri must be a local path (S3 locations are not supported locally)");
        } else if (p.get("Definition") != null) {
            definition = toJson(p.get("Definition"));
        } else if (p.get("DefinitionString") instanceof String s) {
            definition = s;
        } else {
            throw values.error(id, "Definition", "a state machine needs DefinitionUri, Definition or DefinitionString");
        }
        for (Map.Entry<String, String> e : subs.entrySet()) {
            definition = definition.replace("${" + e.getKey() + "}", e.getValue());
        }
        return new StateMachineDef(id, resources.physicalName(id), resources.arn(id), definitionPath, definition,
                Collections.unmodifiableMap(subs), resources.line(id));
    }
}
