package dev.outrigger.local.template;

import java.nio.file.Path;
import java.util.Map;

/**
 * An AWS::Serverless::StateMachine or AWS::StepFunctions::StateMachine.
 *
 * @param definitionPath DefinitionUri resolved against the template's folder, or null for an inline definition
 * @param definition     the definition JSON with DefinitionSubstitutions applied (read from definitionPath or inline)
 * @param substitutions  DefinitionSubstitutions with intrinsics resolved to local values
 */
public record StateMachineDef(String logicalId, String name, String arn, Path definitionPath, String definition,
                              Map<String, String> substitutions, int line) {
}
