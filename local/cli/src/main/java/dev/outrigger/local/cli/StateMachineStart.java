package dev.outrigger.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.asl.ExecutionOptions;
import dev.outrigger.asl.ExecutionResult;
import dev.outrigger.asl.ExecutionStatus;
import dev.outrigger.asl.HistoryEvent;
import dev.outrigger.asl.SfnRunner;
import dev.outrigger.local.executions.ExecutionApi;
import dev.outrigger.local.executions.ExecutionEvent;
import dev.outrigger.local.executions.ExecutionFollower;
import dev.outrigger.local.executions.ExecutionProgress;
import dev.outrigger.local.executions.ExecutionState;
import dev.outrigger.local.executions.SamConfig;
import dev.outrigger.local.executions.SdkExecutionApi;
import dev.outrigger.ops.TimeSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code outrigger deploy|cutover start}: starts the machine a stack output names and follows it to its verdict, in
 * AWS ({@code --aws}, {@code --endpoint-url}) or in the in-JVM engine with a mock file ({@code --mocks --test-case}),
 * printing the same progress either way. Exit codes: 0 SUCCEEDED, 1 FAILED / TIMED_OUT / ABORTED (or an AWS call
 * refused), 2 usage or configuration (bad input JSON, no such stack or output), 3 still running at --timeout.
 */
final class StateMachineStart implements Callable<Integer> {
    static final String DESCRIPTION = """
            Start the state machine the stack's output names and follow it: each state entered and left, with times,
            then the verdict with the failing state, error and cause. In AWS (--aws or --endpoint-url) or, with
            --mocks and --test-case, here in the in-JVM engine (the template's output names the definition).
            Exit code: 0 SUCCEEDED, 1 FAILED/TIMED_OUT/ABORTED, 2 usage or configuration error, 3 still running at
            --timeout (the execution is not stopped).""";

    private final StateMachineKind kind;
    private final StartExecutionOptions o;
    private final PrintWriter out;
    private final PrintWriter err;
    private final String command;

    StateMachineStart(StateMachineKind kind, StartExecutionOptions options, CommandLine commandLine) {
        this.kind = kind;
        this.o = options;
        this.out = commandLine.getOut();
        this.err = commandLine.getErr();
        this.command = kind.command + " start";
    }

    @Override
    public Integer call() throws Exception {
        return SfnProject.guarded(err, command, () -> {
            // Everything that can be checked here is, before anything starts.
            JsonNode input = SfnRunner.parseInput(o.input);
            Duration timeout = positive("--timeout", o.timeout);
            boolean local = o.runOptions.mocks.given();
            boolean remote = o.aws || o.endpoint != null;
            if (local && remote) {
                throw new IllegalArgumentException("--mocks/--test-case run it here, --aws/--endpoint-url in Step"
                        + " Functions: give one of them");
            }
            if (local) {
                return runHere(input, timeout);
            }
            if (!remote) {
                throw new IllegalArgumentException("where? --aws [--region R] (or --endpoint-url URL) starts it in Step"
                        + " Functions; --mocks F --test-case C runs it here in the in-JVM engine");
            }
            return runInAws(input, timeout);
        });
    }

    // ------------------------------------------------------------------------------------------------ AWS

    private int runInAws(JsonNode input, Duration timeout) throws InterruptedException {
        SfnProject.TemplateOptions templateOptions = o.runOptions.template;
        if (templateOptions.template != null || !templateOptions.params().isEmpty() || o.runOptions.mocks.envFile != null) {
            throw new IllegalArgumentException("--template, --param and --env-file are for a run here (--mocks"
                    + " --test-case); in AWS the stack has them");
        }
        Duration poll = positive("--poll-interval", o.pollInterval);
        SamConfig samConfig = SamConfig.read(o.configFile);
        String stack = o.stack != null ? o.stack : samConfig.stackName(o.configEnv).orElseThrow(() ->
                new IllegalArgumentException("which stack? give --stack, or a --config-env whose stack_name "
                        + o.configFile + (samConfig.exists() ? " sets (it has none for \"" + o.configEnv + "\")"
                        : " sets (there is no " + o.configFile + ")")));
        // Where `sam deploy --config-env ENV` deployed it, unless told otherwise.
        String region = templateOptions.region != null || o.endpoint != null ? templateOptions.region
                : samConfig.region(o.configEnv).orElse(null);
        AwsTarget target = new AwsTarget(o.aws, region, o.endpoint);
        try (CloudFormationClient cfn = target.build(CloudFormationClient.builder(), o.endpoint);
             SfnClient sfn = target.build(SfnClient.builder(), o.endpoint)) {
            ExecutionApi api = new SdkExecutionApi(cfn, sfn);
            String where = "stack " + stack + " (" + target.where(o.endpoint) + ")";
            Map<String, String> outputs;
            try {
                outputs = api.stackOutputs(stack);
            } catch (ExecutionApi.StackNotFoundException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage()
                        + " (deploy it first: sam deploy --config-env " + o.configEnv + ")");
            }
            String arn = outputs.get(kind.outputKey);
            if (arn == null) {
                throw new IllegalArgumentException(where + " has no output " + kind.outputKey + " (its outputs: "
                        + (outputs.isEmpty() ? "none" : String.join(", ", outputs.keySet())) + ")");
            }
            out.println(kind.command + ": " + where + ": " + kind.outputKey + " = " + arn);
            String executionArn = api.start(arn, o.name, input.toString());
            return new ExecutionFollower(api, ExecutionFollower.Pacer.system(), poll)
                    .follow(executionArn, timeout, progress());
        }
    }

    // ------------------------------------------------------------------------------------------------ here

    private int runHere(JsonNode input, Duration timeout) {
        if (o.stack != null) {
            throw new IllegalArgumentException("--stack is for AWS; here the template's output " + kind.outputKey
                    + " names the state machine");
        }
        SfnProject project = SfnProject.fromOutput(kind.outputKey, o.runOptions.template);
        ExecutionOptions options = SfnProject.executionOptions(null).withHorizon(timeout);
        if (o.name != null) {
            options = options.withExecutionName(o.name);
        }
        out.println(kind.command + ": here, in the in-JVM engine: " + relative(project.definitionFile) + " (output " + kind.outputKey
                + " of " + project.template.orElseThrow().path() + "), test case " + o.runOptions.mocks.testCase);
        ExecutionResult result = SfnRunCommand.execute(project, input, o.runOptions.mocks, options, err).result();

        ExecutionProgress progress = progress();
        Instant start = options.startTime();
        progress.started("local:" + SfnRunner.stateMachineName(project.sourceName) + ":" + options.executionName(), start);
        List<ExecutionEvent> events = stateEvents(result.history());
        events.forEach(progress::event);
        if (result.status() == ExecutionStatus.RUNNING) {
            return progress.stillRunning(timeout, List.of(
                    "a run here: the engine's virtual clock stopped at --timeout " + o.timeout));
        }
        Instant end = events.isEmpty() ? start : events.getLast().at();
        return progress.ended(new ExecutionState(result.status().name(), start, end, result.error(), result.cause()), end);
    }

    /**
     * The engine's history (one record per state visit) as Step Functions' history orders it: a state is left after
     * the states nested in it (Parallel branches, Map iterations); a state that failed, or is still running, is not left.
     */
    static List<ExecutionEvent> stateEvents(List<HistoryEvent> history) {
        List<ExecutionEvent> events = new ArrayList<>();
        Deque<HistoryEvent> open = new ArrayDeque<>();
        long id = 0;
        for (HistoryEvent h : history) {
            while (!open.isEmpty() && !h.scope().startsWith(inside(open.peek()))) {
                id = leave(open.pop(), events, id);
            }
            events.add(new ExecutionEvent.Entered(++id, h.stateName(), h.entered()));
            open.push(h);
        }
        while (!open.isEmpty()) {
            id = leave(open.pop(), events, id);
        }
        return events;
    }

    /** The scope of the states nested in h: "Fanout/" for the branches of Parallel "Fanout". */
    private static String inside(HistoryEvent h) {
        return (h.scope().isEmpty() ? "" : h.scope() + "/") + h.stateName() + "/";
    }

    private static long leave(HistoryEvent h, List<ExecutionEvent> events, long id) {
        if (h.output() != null && h.exited() != null) {
            events.add(new ExecutionEvent.Exited(id + 1, h.stateName(), h.exited()));
            return id + 1;
        }
        return id;
    }

    // ------------------------------------------------------------------------------------------------ shared

    private ExecutionProgress progress() {
        return new ExecutionProgress(out, kind.command, "true".equals(System.getenv("GITHUB_ACTIONS")));
    }

    /** The path from the working directory when it is below it (what the user typed), else as it is. */
    private static String relative(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : p.toString();
    }

    private static Duration positive(String option, String text) {
        Duration d;
        try {
            d = TimeSpec.duration(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(option + ": must be more than 0, got " + text);
        }
        return d;
    }
}
