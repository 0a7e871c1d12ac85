package dev.outrigger.tests.statemachines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.asl.AslDefinition;
import dev.outrigger.asl.AslEngine;
import dev.outrigger.asl.CompositeTaskInvoker;
import dev.outrigger.asl.ExecutionOptions;
import dev.outrigger.asl.ExecutionResult;
import dev.outrigger.asl.HistoryEvent;
import dev.outrigger.asl.LambdaInvoker;
import dev.outrigger.asl.MockConfigTaskInvoker;
import dev.outrigger.asl.SfnRunner;
import dev.outrigger.asl.TaskRequest;
import dev.outrigger.local.template.LocalEndpoints;
import dev.outrigger.local.template.LocalTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs statemachines/*.asl.json on the in-JVM engine exactly as {@code outrigger sfn run} does: substitutions from
 * template.yaml (through the local runtime's template loader), mocks from events/statemachines/mocks.json, Lambda
 * resources in process when a {@link LambdaInvoker} is given. Every task call is recorded with its effective input,
 * so tests can assert what was published, flipped or reverted.
 */
final class Machines {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Path ROOT = Path.of(System.getProperty("outrigger.root", "..")).toAbsolutePath().normalize();
    static final Path MOCKS = ROOT.resolve("events/statemachines/mocks.json");

    private static LocalTemplate template;

    record Execution(ExecutionResult result, List<TaskRequest> calls) {
        /** The top-level states in the order they were entered. */
        List<String> path() {
            return result.history().stream().filter(e -> e.scope().isEmpty()).map(HistoryEvent::stateName).toList();
        }

        List<TaskRequest> callsTo(String state) {
            return calls.stream().filter(c -> c.stateName().equals(state)).toList();
        }

        /** The one SNS message this run published. */
        String message() {
            List<TaskRequest> published = calls.stream().filter(c -> c.resource().equals("arn:aws:states:::sns:publish")).toList();
            if (published.size() != 1) {
                throw new AssertionError("expected exactly one notification, got " + published.size());
            }
            return published.getFirst().input().get("Message").asText();
        }

        String subject() {
            return calls.stream().filter(c -> c.resource().equals("arn:aws:states:::sns:publish")).findFirst()
                    .orElseThrow().input().get("Subject").asText();
        }
    }

    static synchronized LocalTemplate template() {
        if (template == null) {
            template = LocalTemplate.load(ROOT.resolve("template.yaml"), Map.of(), LocalEndpoints.defaults());
        }
        return template;
    }

    static Map<String, String> substitutions(String logicalId) {
        return template().stateMachines().get(logicalId).substitutions();
    }

    static JsonNode json(String relativePath) {
        try {
            return MAPPER.readTree(Files.readString(ROOT.resolve(relativePath)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String relativePath) {
        try {
            return Files.readString(ROOT.resolve(relativePath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Execution run(String machine, String logicalId, String testCase, JsonNode input, Optional<LambdaInvoker> lambdas) {
        String source = "statemachines/" + machine + ".asl.json";
        AslDefinition def = AslDefinition.parse(SfnRunner.substitute(text(source), substitutions(logicalId), source), source);
        MockConfigTaskInvoker mocks = MockConfigTaskInvoker.fromFile(MOCKS, machine, testCase);
        CompositeTaskInvoker invoker = new CompositeTaskInvoker(lambdas, Optional.of(mocks));
        List<TaskRequest> calls = new CopyOnWriteArrayList<>();
        AslEngine engine = new AslEngine(request -> {
            calls.add(request);
            return invoker.invoke(request);
        }, ExecutionOptions.defaults(machine));
        return new Execution(engine.execute(def, input), calls);
    }
}
