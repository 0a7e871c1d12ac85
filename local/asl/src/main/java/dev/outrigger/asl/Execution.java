package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * One execution of a definition: the walk from state to state, the context object, the execution deadline, the
 * payload quota and the history. Pass, Succeed, Fail, Wait, Choice and Task run here; Task, Parallel and Map run
 * their attempts under {@link RetryCatch}, Parallel and Map through {@link ParallelAndMap}.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
final class Execution {
    /** Step Functions' payload quota (256 KiB); larger state input or output is States.DataLimitExceeded. */
    static final int PAYLOAD_LIMIT = 256 * 1024;
    /** A Task without TimeoutSeconds(Path) may run this long, AWS's maximum. */
    private static final long MAX_TASK_SECONDS = 99999999L;

    private final AslDefinition definition;
    private final TaskInvoker invoker;
    private final ExecutionOptions options;
    private final JsonNode executionInput;
    private final Random random;
    private final List<Entry> history = new ArrayList<>();
    private final Map<String, Integer> invocations = new HashMap<>();
    private final Instant start;
    private final Optional<Instant> deadline;
    /** When the caller stops watching (ExecutionOptions.horizon after the start), or null. */
    private final Instant horizon;

    Execution(AslDefinition definition, TaskInvoker invoker, ExecutionOptions options, JsonNode input) {
        this.definition = definition;
        this.invoker = invoker;
        this.options = options;
        this.executionInput = input;
        this.random = new Random(options.seed());
        this.start = options.realTime() ? Instant.now() : options.startTime();
        this.deadline = definition.timeoutSeconds().map(start::plusSeconds);
        this.horizon = options.horizon() == null ? null : start.plus(options.horizon());
    }

    /** Workflow variables: branches and iterations read the outer scopes and write their own. */
    record Scope(Scope parent, Map<String, JsonNode> vars) {
        Scope child() {
            return new Scope(this, new HashMap<>());
        }

        Map<String, JsonNode> visible() {
            Map<String, JsonNode> out = parent == null ? new HashMap<>() : parent.visible();
            out.putAll(vars);
            return out;
        }

        void commit(Map<String, JsonNode> assigned) {
            vars.putAll(assigned);
        }
    }

    /** The history entry of one state visit, filled in as the state runs. */
    static final class Entry {
        String name;
        String type;
        String scope;
        Instant entered;
        Instant exited;
        JsonNode input;
        JsonNode output;
        String error;
        String cause;
        String next;
        final List<HistoryEvent.Retry> retries = new ArrayList<>();

        HistoryEvent build() {
            return new HistoryEvent(name, type, scope, entered, exited, input, output, error, cause, next,
                    List.copyOf(retries));
        }
    }

    /** What a state produced: its output, where to go next (null = end), and an error a Catch handled. */
    record Outcome(JsonNode output, String next, StatesError caught) {
    }

    /** Raised when the execution's TimeoutSeconds passes; not catchable by Catch. */
    private static final class ExecutionTimedOut extends RuntimeException {
        ExecutionTimedOut(String message) {
            super(message, null, false, false);
        }
    }

    ExecutionResult run() {
        Clock clock = new Clock(start, options.realTime(), horizon);
        try {
            checkSize(executionInput, "the execution input");
            JsonNode out = runMachine(definition.machine(), executionInput, clock, new Scope(null, new HashMap<>()), "");
            return new ExecutionResult(ExecutionStatus.SUCCEEDED, out, null, null, events());
        } catch (StatesError e) {
            return new ExecutionResult(ExecutionStatus.FAILED, null, e.error, e.errorCause, events());
        } catch (ExecutionTimedOut e) {
            return new ExecutionResult(ExecutionStatus.TIMED_OUT, null, Errors.TIMEOUT, e.getMessage(), events());
        } catch (Clock.HorizonPassed e) {
            // The caller stopped watching: the state the execution is in stays open (no exit time, no output).
            return new ExecutionResult(ExecutionStatus.RUNNING, null, null, null, events());
        }
    }

    private List<HistoryEvent> events() {
        return history.stream().map(Entry::build).toList();
    }

    Random random() {
        return random;
    }

    void checkDeadline(Clock clock) {
        boolean timedOut = deadline.isPresent() && clock.now().isAfter(deadline.get());
        // Both passed (a real-time run): whichever came first decides.
        if (clock.pastHorizon() && !(timedOut && deadline.get().isBefore(horizon))) {
            throw new Clock.HorizonPassed();
        }
        if (timedOut) {
            clock.set(deadline.get());
            throw new ExecutionTimedOut("The execution timed out after its TimeoutSeconds of "
                    + definition.timeoutSeconds().orElseThrow() + " seconds");
        }
    }

    /** Runs a machine (the definition, a branch, an iteration) from StartAt to its end; returns its output. */
    JsonNode runMachine(AslDefinition.Machine machine, JsonNode input, Clock clock, Scope scope, String where) {
        String current = machine.startAt();
        JsonNode data = input;
        while (true) {
            checkDeadline(clock);
            State s = machine.states().get(current);
            Entry e = new Entry();
            e.name = s.name();
            e.type = s.type();
            e.scope = where;
            e.entered = clock.now();
            e.input = data;
            history.add(e);
            Outcome o;
            try {
                o = runState(s, data, clock, scope, e, where);
            } catch (StatesError err) {
                e.error = err.error;
                e.cause = err.errorCause;
                e.exited = clock.now();
                throw err;
            } catch (ExecutionTimedOut t) {
                e.error = Errors.TIMEOUT;
                e.cause = t.getMessage();
                e.exited = clock.now();
                throw t;
            }
            e.exited = clock.now();
            e.output = o.output();
            e.next = o.next();
            if (o.caught() != null) {
                e.error = o.caught().error;
                e.cause = o.caught().errorCause;
            }
            checkSize(o.output(), "the output of state \"" + s.name() + "\"");
            if (o.next() == null) {
                checkDeadline(clock);
                return o.output();
            }
            data = o.output();
            current = o.next();
        }
    }

    private void checkSize(JsonNode node, String what) {
        if (node != null && node.toString().getBytes(StandardCharsets.UTF_8).length > PAYLOAD_LIMIT) {
            throw new StatesError(Errors.DATA_LIMIT_EXCEEDED, what + " is larger than the 262144-byte quota");
        }
    }

    /** What the state's paths and templates read at entry (or at this retry): $ is the raw input. */
    Documents documents(State s, JsonNode rawInput, Instant entered, int retryCount, Scope scope) {
        return new Documents(rawInput, context(s, entered, retryCount), scope.visible(), random);
    }

    /** The context object. https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html */
    private ObjectNode context(State s, Instant entered, int retryCount) {
        ObjectNode c = NF.objectNode();
        ObjectNode ex = c.putObject("Execution");
        ex.put("Id", options.executionArn());
        ex.set("Input", executionInput);
        ex.put("Name", options.executionName());
        ex.put("RoleArn", options.roleArn());
        ex.put("StartTime", ExecutionResult.TIME.format(start));
        ex.put("RedriveCount", 0);
        ObjectNode st = c.putObject("State");
        st.put("EnteredTime", ExecutionResult.TIME.format(entered));
        st.put("Name", s.name());
        st.put("RetryCount", retryCount);
        ObjectNode sm = c.putObject("StateMachine");
        sm.put("Id", options.stateMachineArn());
        sm.put("Name", options.stateMachineName());
        return c;
    }

    private Outcome runState(State state, JsonNode raw, Clock clock, Scope scope, Entry entry, String where) {
        Instant entered = clock.now();
        return switch (state) {
            case State.Pass p -> pass(p, documents(p, raw, entered, 0, scope), scope);
            case State.Succeed s -> {
                Documents docs = documents(s, raw, entered, 0, scope);
                JsonNode effective = Paths.filter(s.name(), "InputPath", s.inputPath(), docs);
                yield new Outcome(Paths.filter(s.name(), "OutputPath", s.outputPath(), docs.withInput(effective)),
                        null, null);
            }
            case State.Fail f -> {
                Documents docs = documents(f, raw, entered, 0, scope);
                throw new StatesError(failText(f, f.error(), docs), failText(f, f.cause(), docs));
            }
            case State.Wait w -> waitState(w, documents(w, raw, entered, 0, scope), clock, entered, scope);
            case State.Choice c -> choice(c, documents(c, raw, entered, 0, scope), scope);
            case State.Task t -> RetryCatch.run(this, t, raw, clock, scope, entry,
                    (docs, attempt) -> task(t, docs, attempt));
            case State.Parallel p -> RetryCatch.run(this, p, raw, clock, scope, entry,
                    (docs, attempt) -> ParallelAndMap.parallel(this, p, docs, clock, scope, where));
            case State.Map m -> RetryCatch.run(this, m, raw, clock, scope, entry,
                    (docs, attempt) -> ParallelAndMap.map(this, m, docs, clock, scope, where));
        };
    }

    private Outcome pass(State.Pass p, Documents docs, Scope scope) {
        JsonNode effective = Paths.filter(p.name(), "InputPath", p.inputPath(), docs);
        JsonNode result = p.result().isPresent() ? p.result().get().deepCopy()
                : p.parameters().isPresent() ? p.parameters().get().evaluate(docs.withInput(effective))
                : effective;
        return finish(p.name(), result, p.assign(), p.resultPath(), p.outputPath(), p.next(), docs, scope);
    }

    /** Completes a successful attempt of a Task, Parallel or Map: ResultSelector, then as {@link #finish}. */
    Outcome complete(State.Retryable s, JsonNode result, Documents docs, Scope scope) {
        JsonNode selected = s.resultSelector().isPresent() ? s.resultSelector().get().evaluate(docs.withInput(result))
                : result;
        return finish(s.name(), selected, s.assign(), s.resultPath(), s.outputPath(), s.next(), docs, scope);
    }

    /**
     * Assign (from the result), ResultPath, OutputPath; the assigned variables take effect last. docs are the
     * state's entry documents, so $ is its raw input, which ResultPath places the result in.
     */
    private Outcome finish(String state, JsonNode result, PayloadTemplate.Assignments assign,
                           Paths.DataPath resultPath, Paths.DataPath outputPath, Optional<String> next,
                           Documents docs, Scope scope) {
        Map<String, JsonNode> assigned = assign.evaluate(docs.withInput(result));
        JsonNode placed = Paths.place(state, resultPath, docs.input(), result);
        JsonNode out = Paths.filter(state, "OutputPath", outputPath, docs.withInput(placed));
        scope.commit(assigned);
        return new Outcome(out, next.orElse(null), null);
    }

    private String failText(State.Fail f, Optional<State.Fail.Text> text, Documents docs) {
        if (text.isEmpty()) {
            return null;
        }
        return switch (text.get()) {
            case State.Fail.Literal l -> l.text();
            case State.Fail.Computed c -> {
                JsonNode v = switch (c.expression()) {
                    case PayloadTemplate.Expression.Call call -> Intrinsics.evaluate(call.call(), docs, c.field());
                    case PayloadTemplate.Expression.Read read -> Paths.read(f.name(), c.field(), read.path(), docs);
                };
                if (!v.isTextual()) {
                    throw StatesError.runtime("state \"" + f.name() + "\": " + c.field() + " "
                            + c.expression().text() + " must select a string, got " + v);
                }
                yield v.textValue();
            }
        };
    }

    private Outcome waitState(State.Wait w, Documents docs, Clock clock, Instant entered, Scope scope) {
        JsonNode effective = Paths.filter(w.name(), "InputPath", w.inputPath(), docs);
        Documents at = docs.withInput(effective);
        Instant until = switch (w.until()) {
            case State.Wait.Seconds s -> entered.plusSeconds(Paths.count(w.name(), s.seconds(), 0, at));
            case State.Wait.Timestamp t -> later(entered, t.at());
            case State.Wait.TimestampPath t -> {
                JsonNode v = Paths.read(w.name(), "TimestampPath", t.path(), at);
                if (!v.isTextual() || !AslDefinition.isTimestamp(v.textValue())) {
                    throw StatesError.runtime("state \"" + w.name() + "\": TimestampPath " + t.path().text()
                            + " must select an RFC 3339 timestamp, got " + v);
                }
                yield later(entered, OffsetDateTime.parse(v.textValue()).toInstant());
            }
        };
        if (deadline.isPresent() && until.isAfter(deadline.get())) {
            clock.advance(Duration.between(entered, deadline.get()).plusMillis(1));
            checkDeadline(clock);
        }
        clock.advance(Duration.between(clock.now(), until));
        Map<String, JsonNode> assigned = w.assign().evaluate(at);
        JsonNode out = Paths.filter(w.name(), "OutputPath", w.outputPath(), at);
        scope.commit(assigned);
        return new Outcome(out, w.next().orElse(null), null);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private Outcome choice(State.Choice c, Documents docs, Scope scope) {
        JsonNode effective = Paths.filter(c.name(), "InputPath", c.inputPath(), docs);
        Documents at = docs.withInput(effective);
        State.Choice.Branch matched = null;
        for (State.Choice.Branch b : c.choices()) {
            if (b.rule().test(at)) {
                matched = b;
                break;
            }
        }
        Map<String, JsonNode> assigned = new LinkedHashMap<>(c.assign().evaluate(at));
        String next;
        if (matched != null) {
            next = matched.next();
            assigned.putAll(matched.assign().evaluate(at));
        } else if (c.defaultNext().isPresent()) {
            next = c.defaultNext().get();
        } else {
            throw new StatesError(Errors.NO_CHOICE_MATCHED, "No Choice rule of state \"" + c.name()
                    + "\" matched and it has no Default; input was " + effective);
        }
        JsonNode out = Paths.filter(c.name(), "OutputPath", c.outputPath(), at);
        scope.commit(assigned);
        return new Outcome(out, next, null);
    }

    /** One attempt of a Task: InputPath, the task token, Parameters, timeouts, the invocation. */
    private JsonNode task(State.Task t, Documents docs, int attempt) {
        JsonNode effective = Paths.filter(t.name(), "InputPath", t.inputPath(), docs);
        Optional<String> token = Optional.empty();
        if (t.resource().endsWith(".waitForTaskToken")) {
            token = Optional.of(new UUID(random.nextLong(), random.nextLong()).toString());
            docs.context().putObject("Task").put("Token", token.get());
        }
        Documents at = docs.withInput(effective);
        JsonNode params = t.parameters().isPresent() ? t.parameters().get().evaluate(at) : effective;
        long timeout = t.timeout().map(c -> Paths.count(t.name(), c, 1, at)).orElse(MAX_TASK_SECONDS);
        t.heartbeat().ifPresent(c -> Paths.count(t.name(), c, 1, at));
        int index = invocations.merge(t.name(), 1, Integer::sum) - 1;
        TaskRequest req = new TaskRequest(t.resource(), t.name(), params, attempt, index, options.stateMachineName(),
                options.executionName(), token);
        long before = System.nanoTime();
        JsonNode result;
        try {
            result = invoker.invoke(req);
        } catch (TaskFailure f) {
            throw new StatesError(f.error(), f.cause());
        } catch (StatesError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StatesError(Errors.TASK_FAILED, "state \"" + t.name() + "\": resource " + t.resource()
                    + " threw " + e);
        }
        if (options.realTime() && Duration.ofNanos(System.nanoTime() - before).getSeconds() >= timeout) {
            throw new StatesError(Errors.TIMEOUT, "Task \"" + t.name() + "\" ran longer than its "
                    + timeout + " seconds timeout");
        }
        JsonNode out = result == null ? NF.nullNode() : result;
        checkSize(out, "the result of task \"" + t.name() + "\"");
        return out;
    }
}
