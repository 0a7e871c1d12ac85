package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * Runs a validated {@link AslDefinition} in the JVM with the JSONPath query language semantics. Each call of
 * {@link #execute} is one {@link Execution} of the definition's typed {@link State}s.
 * Branches and Map iterations run one after another on forked virtual clocks, so their virtual times overlap as
 * they would on AWS while the run stays deterministic.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
public final class AslEngine {
    private final TaskInvoker invoker;
    private final ExecutionOptions options;

    public AslEngine(TaskInvoker invoker, ExecutionOptions options) {
        this.invoker = invoker;
        this.options = options;
    }

    public ExecutionResult execute(AslDefinition definition, JsonNode input) {
        return new Execution(definition, invoker, options, input == null ? NF.objectNode() : input).run();
    }
}
