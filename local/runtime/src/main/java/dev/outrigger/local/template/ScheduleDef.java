package dev.outrigger.local.template;

/**
 * An AWS::Scheduler::Schedule, or a ScheduleV2 event of an AWS::Serverless::Function (logicalId is then
 * {@code <FunctionLogicalId><EventName>}, as SAM names the generated schedule).
 *
 * @param targetFunction logical id of the target function, or null when the target is not a function of the template
 * @param input          the target's Input (a JSON string), or null
 * @param enabled        State is ENABLED (the default)
 */
public record ScheduleDef(String logicalId, String name, String groupName, String expression, String timezone,
                          String targetFunction, String targetArn, String input, boolean enabled, int line) {
}
