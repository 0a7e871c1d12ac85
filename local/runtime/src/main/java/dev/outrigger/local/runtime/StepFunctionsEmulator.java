package dev.outrigger.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.asl.ExecutionOptions;
import dev.outrigger.asl.ExecutionResult;
import dev.outrigger.asl.HistoryEvent;
import dev.outrigger.asl.LambdaInvoker;
import dev.outrigger.asl.SfnRunner;
import dev.outrigger.asl.TaskFailure;
import dev.outrigger.core.Json;
import dev.outrigger.local.template.LocalTemplate;
import dev.outrigger.local.template.StateMachineDef;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Step Functions for the template's state machines on the emulator endpoint (JSON 1.0, {@code X-Amz-Target:
 * AWSStepFunctions.*}, signing name "states"): StartExecution runs the definition in the in-JVM engine, its Lambda
 * tasks on the runtime's own functions, in real time; ListExecutions, DescribeExecution and GetExecutionHistory read
 * the executions this runtime ran (https://docs.aws.amazon.com/step-functions/latest/apireference/). A task on any
 * other integration (ECS, Route 53, DMS…) cannot run here, so the execution fails in that state with States.Runtime
 * naming it, as `outrigger sfn run` without mocks does. Executions live as long as the runtime. Errors are Step
 * Functions': StateMachineDoesNotExist, ExecutionDoesNotExist, ExecutionAlreadyExists, InvalidName,
 * InvalidExecutionInput, InvalidArn, UnknownOperationException.
 */
public final class StepFunctionsEmulator implements EmulatedService, AutoCloseable {
    private static final String PREFIX = "AWSStepFunctions.";
    /** Execution names as StartExecution allows them: 1-80 characters, no whitespace, brackets, wildcards or controls. */
    private static final Pattern NAME = Pattern.compile("[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\p{Cntrl}]{1,80}");

    /** One execution this runtime started. */
    private static final class Execution {
        final String arn;
        final String name;
        final StateMachineDef machine;
        final String input;
        final Instant started;
        volatile Instant stopped;
        volatile ExecutionResult result;

        Execution(String arn, String name, StateMachineDef machine, String input, Instant started) {
            this.arn = arn;
            this.name = name;
            this.machine = machine;
            this.input = input;
            this.started = started;
        }

        String status() {
            return result == null ? "RUNNING" : result.status().name();
        }
    }

    private final LocalTemplate template;
    private final LambdaInvoker lambdas;
    private final PrintStream console;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param invoke runs a template function (by name) with an event, as the runtime's warm functions do
     */
    public StepFunctionsEmulator(LocalTemplate template, BiFunction<String, String, Optional<InvocationResult>> invoke,
                                 PrintStream console) {
        this.template = template;
        this.console = console;
        this.lambdas = new LambdaInvoker() {
            @Override
            public boolean hasFunction(String functionName) {
                return template.functions().values().stream().anyMatch(f -> f.name().equals(functionName));
            }

            @Override
            public JsonNode invoke(String functionName, JsonNode payload) throws TaskFailure {
                InvocationResult r = invoke.apply(functionName, payload == null ? "null" : payload.toString())
                        .orElseThrow(() -> new TaskFailure("Lambda.ResourceNotFoundException", "Function not found: " + functionName));
                if (r.timedOut()) {
                    throw new TaskFailure(TemplateLambdaInvoker.TIMEOUT_ERROR, "Task timed out");
                }
                if (r.error() != null) {
                    // what Lambda reports as errorType for a Java handler, which Retry/Catch match on
                    throw new TaskFailure(r.error().getClass().getName(), String.valueOf(r.error().getMessage()));
                }
                try {
                    return r.responseJson() == null ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(r.responseJson());
                } catch (IOException e) {
                    throw new TaskFailure("Lambda.Unknown", functionName + " returned invalid JSON: " + e.getMessage());
                }
            }
        };
    }

    @Override
    public EmulatorResponse handle(EmulatorRequest request) {
        String target = request.target();
        if (target == null || !target.startsWith(PREFIX)) {
            return error("UnknownOperationException", "no X-Amz-Target AWSStepFunctions.<Action>");
        }
        JsonNode in = request.json();
        return switch (target.substring(PREFIX.length())) {
            case "StartExecution" -> start(in);
            case "ListExecutions" -> list(in);
            case "DescribeExecution" -> withExecution(in, this::describe);
            case "GetExecutionHistory" -> withExecution(in, e -> history(e, in));
            default -> error("UnknownOperationException", target.substring(PREFIX.length())
                    + " is not emulated locally (StartExecution, ListExecutions, DescribeExecution, GetExecutionHistory are)");
        };
    }

    private Optional<StateMachineDef> machine(String arn) {
        return template.stateMachines().values().stream().filter(m -> m.arn().equals(arn)).findFirst();
    }

    private EmulatorResponse start(JsonNode in) {
        String arn = in.path("stateMachineArn").asText("");
        if (!arn.startsWith("arn:")) {
            return error("InvalidArn", "Invalid Arn: '" + arn + "'");
        }
        Optional<StateMachineDef> machine = machine(arn);
        if (machine.isEmpty()) {
            return error("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
        }
        String name = in.hasNonNull("name") ? in.get("name").asText() : UUID.randomUUID().toString();
        if (!NAME.matcher(name).matches()) {
            return error("InvalidName", "Invalid Name: '" + name + "'");
        }
        String input = in.hasNonNull("input") ? in.get("input").asText() : "{}";
        JsonNode inputJson;
        try {
            inputJson = Json.MAPPER.readTree(input);
        } catch (IOException e) {
            return error("InvalidExecutionInput", "Invalid State Machine Execution Input: '" + e.getMessage() + "'");
        }
        String executionArn = arn.replace(":stateMachine:", ":execution:") + ":" + name;
        Execution execution = new Execution(executionArn, name, machine.get(), input, Instant.now());
        if (executions.putIfAbsent(executionArn, execution) != null) {
            return error("ExecutionAlreadyExists", "Execution Already Exists: '" + executionArn + "'");
        }
        runner.submit(() -> run(execution, inputJson));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("executionArn", executionArn);
        out.put("startDate", seconds(execution.started));
        return EmulatorResponse.json(out);
    }

    private void run(Execution e, JsonNode input) {
        ExecutionOptions options = new ExecutionOptions(e.machine.name(), e.name, e.started, e.started.toEpochMilli(), true,
                template.endpoints().region(), template.endpoints().accountId(),
                "arn:aws:iam::" + template.endpoints().accountId() + ":role/" + e.machine.name() + "-role", null);
        try {
            e.result = new SfnRunner(Optional.of(lambdas), options).run(e.machine.definition(), e.machine.name(), input,
                    e.machine.substitutions(), Optional.empty(), Optional.empty()).result();
        } catch (RuntimeException ex) {
            e.result = new ExecutionResult(dev.outrigger.asl.ExecutionStatus.FAILED, null, "States.Runtime",
                    String.valueOf(ex.getMessage()), List.of());
        }
        e.stopped = Instant.now();
        console.println("[states] " + e.machine.name() + " " + e.name + " " + e.status()
                + (e.result.error() == null ? "" : " (" + e.result.error() + ": " + e.result.cause() + ")"));
    }

    private EmulatorResponse list(JsonNode in) {
        String arn = in.path("stateMachineArn").asText("");
        if (machine(arn).isEmpty()) {
            return error("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
        }
        String status = in.path("statusFilter").asText(null);
        int max = in.path("maxResults").asInt(0);
        List<Execution> matching = executions.values().stream().filter(e -> e.machine.arn().equals(arn))
                .filter(e -> status == null || status.equals(e.status()))
                .sorted(Comparator.comparing((Execution e) -> e.started).reversed()).toList();
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("executions");
        for (Execution e : max > 0 ? matching.subList(0, Math.min(max, matching.size())) : matching) {
            ObjectNode o = list.addObject();
            o.put("executionArn", e.arn);
            o.put("stateMachineArn", e.machine.arn());
            o.put("name", e.name);
            o.put("status", e.status());
            o.put("startDate", seconds(e.started));
            if (e.stopped != null) {
                o.put("stopDate", seconds(e.stopped));
            }
        }
        return EmulatorResponse.json(out);
    }

    private EmulatorResponse withExecution(JsonNode in, java.util.function.Function<Execution, EmulatorResponse> then) {
        String arn = in.path("executionArn").asText("");
        Execution e = executions.get(arn);
        return e == null ? error("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'") : then.apply(e);
    }

    private EmulatorResponse describe(Execution e) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("executionArn", e.arn);
        out.put("stateMachineArn", e.machine.arn());
        out.put("name", e.name);
        out.put("status", e.status());
        out.put("startDate", seconds(e.started));
        out.put("input", e.input);
        ExecutionResult r = e.result;
        if (r != null) {
            out.put("stopDate", seconds(e.stopped));
            if (r.output() != null) {
                out.put("output", r.output().toString());
            }
            if (r.error() != null) {
                out.put("error", r.error());
                out.put("cause", r.cause());
            }
        }
        return EmulatorResponse.json(out);
    }

    /** The engine's state visits as Step Functions history events (ids in order, each naming its previous one). */
    private EmulatorResponse history(Execution e, JsonNode in) {
        List<ObjectNode> events = new ArrayList<>();
        ObjectNode started = event(events, "ExecutionStarted", e.started);
        started.putObject("executionStartedEventDetails").put("input", e.input).put("roleArn",
                "arn:aws:iam::" + template.endpoints().accountId() + ":role/" + e.machine.name() + "-role");
        ExecutionResult r = e.result;
        if (r != null) {
            for (HistoryEvent h : r.history()) {
                event(events, h.stateType() + "StateEntered", h.entered()).putObject("stateEnteredEventDetails")
                        .put("name", h.stateName()).put("input", String.valueOf(h.input()));
                if (h.error() != null && h.stateType().equals("Task")) {
                    event(events, "TaskFailed", h.exited() == null ? h.entered() : h.exited()).putObject("taskFailedEventDetails")
                            .put("error", h.error()).put("cause", h.cause());
                }
                if (h.exited() != null && h.output() != null) {
                    event(events, h.stateType() + "StateExited", h.exited()).putObject("stateExitedEventDetails")
                            .put("name", h.stateName()).put("output", h.output().toString());
                }
            }
            Instant end = e.stopped;
            switch (r.status()) {
                case SUCCEEDED -> event(events, "ExecutionSucceeded", end).putObject("executionSucceededEventDetails")
                        .put("output", r.output() == null ? "null" : r.output().toString());
                case FAILED -> event(events, "ExecutionFailed", end).putObject("executionFailedEventDetails")
                        .put("error", r.error()).put("cause", r.cause());
                case TIMED_OUT -> event(events, "ExecutionTimedOut", end).putObject("executionTimedOutEventDetails")
                        .put("error", r.error()).put("cause", r.cause());
                default -> { }
            }
        }
        if (in.path("reverseOrder").asBoolean(false)) {
            java.util.Collections.reverse(events);
        }
        int max = in.path("maxResults").asInt(0);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("events");
        (max > 0 ? events.subList(0, Math.min(max, events.size())) : events).forEach(list::add);
        return EmulatorResponse.json(out);
    }

    private static ObjectNode event(List<ObjectNode> events, String type, Instant at) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("timestamp", seconds(at));
        o.put("type", type);
        o.put("id", events.size() + 1);
        o.put("previousEventId", events.size());
        events.add(o);
        return o;
    }

    private static double seconds(Instant i) {
        return i.toEpochMilli() / 1000.0;
    }

    private static EmulatorResponse error(String code, String message) {
        return EmulatorResponse.jsonError(400, code, message);
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
