package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * Runs a validated {@link AslDefinition} in the JVM with the JSONPath query language semantics.
 * Branches and Map iterations run one after another on forked virtual clocks, so their virtual times overlap as
 * they would on AWS while the run stays deterministic.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
public final class AslEngine {
    /** Step Functions' payload quota (256 KiB); larger state input or output is States.DataLimitExceeded. */
    static final int PAYLOAD_LIMIT = 256 * 1024;

    private final TaskInvoker invoker;
    private final ExecutionOptions options;

    public AslEngine(TaskInvoker invoker, ExecutionOptions options) {
        this.invoker = invoker;
        this.options = options;
    }

    public ExecutionResult execute(AslDefinition definition, JsonNode input) {
        Run run = new Run(definition, input == null ? NF.objectNode() : input);
        return run.execute();
    }

    /** Raised when the execution's TimeoutSeconds passes; not catchable by Catch. */
    private static final class ExecutionTimedOut extends RuntimeException {
        ExecutionTimedOut(String message) {
            super(message, null, false, false);
        }
    }

    /** The time one thread of the execution sees: virtual by default, forked for each branch and iteration. */
    private final class Clock {
        private Instant now;

        Clock(Instant start) {
            this.now = start;
        }

        Instant now() {
            return options.realTime() ? Instant.now() : now;
        }

        void advance(Duration d) {
            if (d.isNegative() || d.isZero()) {
                return;
            }
            if (options.realTime()) {
                try {
                    Thread.sleep(d.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StatesError(Errors.RUNTIME, "interrupted while waiting");
                }
            } else {
                now = now.plus(d);
            }
        }

        void set(Instant t) {
            if (!options.realTime()) {
                now = t;
            }
        }
    }

    /** Workflow variables: branches and iterations read the outer scopes and write their own. */
    private record Scope(Scope parent, Map<String, JsonNode> vars) {
        Scope child() {
            return new Scope(this, new HashMap<>());
        }

        Map<String, JsonNode> visible() {
            Map<String, JsonNode> out = parent == null ? new HashMap<>() : parent.visible();
            out.putAll(vars);
            return out;
        }
    }

    private static final class Entry {
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
    private record Outcome(JsonNode output, String next, StatesError caught) {
    }

    private final class Run {
        final AslDefinition def;
        final JsonNode executionInput;
        final Random random;
        final List<Entry> history = new ArrayList<>();
        final Map<String, Integer> invocations = new HashMap<>();
        final Instant start;
        final Optional<Instant> deadline;

        Run(AslDefinition def, JsonNode input) {
            this.def = def;
            this.executionInput = input;
            this.random = new Random(options.seed());
            this.start = options.realTime() ? Instant.now() : options.startTime();
            this.deadline = def.timeoutSeconds().map(s -> start.plusSeconds(s));
        }

        ExecutionResult execute() {
            Clock clock = new Clock(start);
            try {
                checkSize(executionInput, "the execution input");
                JsonNode out = runMachine(def.machine(), executionInput, clock, new Scope(null, new HashMap<>()), "");
                return new ExecutionResult(ExecutionStatus.SUCCEEDED, out, null, null, events());
            } catch (StatesError e) {
                return new ExecutionResult(ExecutionStatus.FAILED, null, e.error, e.errorCause, events());
            } catch (ExecutionTimedOut e) {
                return new ExecutionResult(ExecutionStatus.TIMED_OUT, null, Errors.TIMEOUT, e.getMessage(), events());
            }
        }

        List<HistoryEvent> events() {
            return history.stream().map(Entry::build).toList();
        }

        void checkDeadline(Clock clock) {
            if (deadline.isPresent() && clock.now().isAfter(deadline.get())) {
                clock.set(deadline.get());
                throw new ExecutionTimedOut("The execution timed out after its TimeoutSeconds of "
                        + def.timeoutSeconds().orElseThrow() + " seconds");
            }
        }

        JsonNode runMachine(AslDefinition.Machine m, JsonNode input, Clock clock, Scope scope, String where) {
            String current = m.startAt();
            JsonNode data = input;
            while (true) {
                checkDeadline(clock);
                AslDefinition.State s = m.states().get(current);
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

        void checkSize(JsonNode node, String what) {
            if (node != null && node.toString().getBytes(StandardCharsets.UTF_8).length > PAYLOAD_LIMIT) {
                throw new StatesError(Errors.DATA_LIMIT_EXCEEDED, what + " is larger than the 262144-byte quota");
            }
        }

        ObjectNode context(AslDefinition.State s, Instant entered, int retryCount) {
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

        Outcome runState(AslDefinition.State s, JsonNode raw, Clock clock, Scope scope, Entry entry, String where) {
            ObjectNode n = s.node();
            Instant entered = clock.now();
            Map<String, JsonNode> vars = scope.visible();
            return switch (s.type()) {
                case "Pass" -> {
                    ObjectNode ctx = context(s, entered, 0);
                    JsonNode effective = inputPath(s, raw, ctx, vars);
                    JsonNode result = n.has("Result") ? n.get("Result").deepCopy()
                            : n.has("Parameters") ? template(n.get("Parameters"), effective, ctx, vars, "Parameters")
                            : effective;
                    Map<String, JsonNode> assigned = assign(n.get("Assign"), result, ctx, vars);
                    JsonNode out = outputPath(s, resultPath(s, n.get("ResultPath"), n.has("ResultPath"), raw, result),
                            ctx, vars);
                    commit(scope, assigned);
                    yield new Outcome(out, s.next().orElse(null), null);
                }
                case "Succeed" -> {
                    ObjectNode ctx = context(s, entered, 0);
                    yield new Outcome(outputPath(s, inputPath(s, raw, ctx, vars), ctx, vars), null, null);
                }
                case "Fail" -> {
                    ObjectNode ctx = context(s, entered, 0);
                    String error = failField(s, "Error", raw, ctx, vars);
                    String cause = failField(s, "Cause", raw, ctx, vars);
                    throw new StatesError(error, cause);
                }
                case "Wait" -> {
                    ObjectNode ctx = context(s, entered, 0);
                    JsonNode effective = inputPath(s, raw, ctx, vars);
                    Instant until = waitUntil(s, effective, ctx, vars, entered);
                    if (deadline.isPresent() && until.isAfter(deadline.get())) {
                        clock.advance(Duration.between(entered, deadline.get()).plusMillis(1));
                        checkDeadline(clock);
                    }
                    clock.advance(Duration.between(clock.now(), until));
                    Map<String, JsonNode> assigned = assign(n.get("Assign"), effective, ctx, vars);
                    JsonNode out = outputPath(s, effective, ctx, vars);
                    commit(scope, assigned);
                    yield new Outcome(out, s.next().orElse(null), null);
                }
                case "Choice" -> {
                    ObjectNode ctx = context(s, entered, 0);
                    JsonNode effective = inputPath(s, raw, ctx, vars);
                    JsonNode choices = n.get("Choices");
                    JsonNode matched = null;
                    for (JsonNode rule : choices) {
                        if (Choice.evaluate(rule, effective, ctx, vars)) {
                            matched = rule;
                            break;
                        }
                    }
                    String next;
                    Map<String, JsonNode> assigned = new LinkedHashMap<>(assign(n.get("Assign"), effective, ctx, vars));
                    if (matched != null) {
                        next = matched.get("Next").textValue();
                        assigned.putAll(assign(matched.get("Assign"), effective, ctx, vars));
                    } else if (n.has("Default")) {
                        next = n.get("Default").textValue();
                    } else {
                        throw new StatesError(Errors.NO_CHOICE_MATCHED, "No Choice rule of state \"" + s.name()
                                + "\" matched and it has no Default; input was " + effective);
                    }
                    JsonNode out = outputPath(s, effective, ctx, vars);
                    commit(scope, assigned);
                    yield new Outcome(out, next, null);
                }
                case "Task", "Parallel", "Map" -> withErrorHandling(s, raw, clock, scope, entry, where);
                default -> throw new IllegalStateException(s.type());
            };
        }

        /** Retry and Catch around Task, Parallel and Map. */
        Outcome withErrorHandling(AslDefinition.State s, JsonNode raw, Clock clock, Scope scope, Entry entry,
                                  String where) {
            ObjectNode n = s.node();
            JsonNode retriers = n.has("Retry") ? n.get("Retry") : NF.arrayNode();
            int[] counts = new int[retriers.size()];
            int attempt = 0;
            Instant entered = clock.now();
            while (true) {
                Map<String, JsonNode> vars = scope.visible();
                ObjectNode ctx = context(s, entered, attempt);
                try {
                    JsonNode result = switch (s.type()) {
                        case "Task" -> task(s, raw, clock, ctx, vars, attempt);
                        case "Parallel" -> parallel(s, raw, clock, ctx, vars, scope, where);
                        default -> map(s, raw, clock, ctx, vars, scope, where);
                    };
                    if (n.has("ResultSelector")) {
                        result = template(n.get("ResultSelector"), result, ctx, vars, "ResultSelector");
                    }
                    Map<String, JsonNode> assigned = assign(n.get("Assign"), result, ctx, vars);
                    JsonNode out = outputPath(s, resultPath(s, n.get("ResultPath"), n.has("ResultPath"), raw, result),
                            ctx, vars);
                    commit(scope, assigned);
                    return new Outcome(out, s.next().orElse(null), null);
                } catch (StatesError e) {
                    int ri = -1;
                    for (int i = 0; i < retriers.size(); i++) {
                        if (Errors.matches(errorEquals(retriers.get(i)), e.error)) {
                            ri = i;
                            break;
                        }
                    }
                    if (ri >= 0) {
                        JsonNode r = retriers.get(ri);
                        int maxAttempts = r.has("MaxAttempts") ? r.get("MaxAttempts").intValue() : 3;
                        if (counts[ri] < maxAttempts) {
                            Duration delay = backoff(r, counts[ri]);
                            counts[ri]++;
                            attempt++;
                            clock.advance(delay);
                            entry.retries.add(new HistoryEvent.Retry(attempt, e.error, e.errorCause, delay, clock.now()));
                            checkDeadline(clock);
                            continue;
                        }
                    }
                    JsonNode catchers = n.get("Catch");
                    if (catchers != null) {
                        for (JsonNode c : catchers) {
                            if (Errors.matches(errorEquals(c), e.error)) {
                                ObjectNode errorOutput = NF.objectNode();
                                errorOutput.put("Error", e.error);
                                if (e.errorCause != null) {
                                    errorOutput.put("Cause", e.errorCause);
                                }
                                Map<String, JsonNode> assigned = assign(c.get("Assign"), errorOutput, ctx, vars);
                                JsonNode out = resultPath(s, c.get("ResultPath"), c.has("ResultPath"), raw, errorOutput);
                                commit(scope, assigned);
                                return new Outcome(out, c.get("Next").textValue(), e);
                            }
                        }
                    }
                    throw e;
                }
            }
        }

        Duration backoff(JsonNode r, int retriesSoFar) {
            double interval = r.has("IntervalSeconds") ? r.get("IntervalSeconds").doubleValue() : 1.0;
            double rate = r.has("BackoffRate") ? r.get("BackoffRate").doubleValue() : 2.0;
            double seconds = interval * Math.pow(rate, retriesSoFar);
            if (r.has("MaxDelaySeconds")) {
                seconds = Math.min(seconds, r.get("MaxDelaySeconds").doubleValue());
            }
            if (r.has("JitterStrategy") && r.get("JitterStrategy").textValue().equals("FULL")) {
                seconds = random.nextDouble() * seconds;
            }
            return Duration.ofMillis(Math.round(seconds * 1000));
        }

        List<String> errorEquals(JsonNode rule) {
            List<String> out = new ArrayList<>();
            rule.get("ErrorEquals").forEach(e -> out.add(e.textValue()));
            return out;
        }

        JsonNode task(AslDefinition.State s, JsonNode raw, Clock clock, ObjectNode ctx, Map<String, JsonNode> vars,
                      int attempt) {
            ObjectNode n = s.node();
            String resource = n.get("Resource").textValue();
            JsonNode effective = inputPath(s, raw, ctx, vars);
            Optional<String> token = Optional.empty();
            if (resource.endsWith(".waitForTaskToken")) {
                token = Optional.of(new java.util.UUID(random.nextLong(), random.nextLong()).toString());
                ctx.putObject("Task").put("Token", token.get());
            }
            JsonNode params = n.has("Parameters") ? template(n.get("Parameters"), effective, ctx, vars, "Parameters")
                    : effective;
            long timeout = seconds(s, "TimeoutSeconds", effective, ctx, vars).orElse(99999999L);
            seconds(s, "HeartbeatSeconds", effective, ctx, vars);
            int index = invocations.merge(s.name(), 1, Integer::sum) - 1;
            TaskRequest req = new TaskRequest(resource, s.name(), params, attempt, index, options.stateMachineName(),
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
                throw new StatesError(Errors.TASK_FAILED, "state \"" + s.name() + "\": resource " + resource
                        + " threw " + e);
            }
            if (options.realTime() && Duration.ofNanos(System.nanoTime() - before).getSeconds() >= timeout) {
                throw new StatesError(Errors.TIMEOUT, "Task \"" + s.name() + "\" ran longer than its "
                        + timeout + " seconds timeout");
            }
            JsonNode out = result == null ? NF.nullNode() : result;
            checkSize(out, "the result of task \"" + s.name() + "\"");
            return out;
        }

        Optional<Long> seconds(AslDefinition.State s, String field, JsonNode effective, ObjectNode ctx,
                               Map<String, JsonNode> vars) {
            ObjectNode n = s.node();
            if (n.has(field)) {
                return Optional.of(n.get(field).longValue());
            }
            if (n.has(field + "Path")) {
                JsonNode v = readOrFail(s, field + "Path", n.get(field + "Path").textValue(), effective, ctx, vars,
                        Errors.RUNTIME);
                if (!v.isIntegralNumber() || v.longValue() <= 0) {
                    throw StatesError.runtime("state \"" + s.name() + "\": " + field + "Path "
                            + n.get(field + "Path").textValue() + " must select a positive integer, got " + v);
                }
                return Optional.of(v.longValue());
            }
            return Optional.empty();
        }

        JsonNode parallel(AslDefinition.State s, JsonNode raw, Clock clock, ObjectNode ctx,
                          Map<String, JsonNode> vars, Scope scope, String where) {
            ObjectNode n = s.node();
            JsonNode effective = inputPath(s, raw, ctx, vars);
            JsonNode branchInput = n.has("Parameters")
                    ? template(n.get("Parameters"), effective, ctx, vars, "Parameters") : effective;
            AslDefinition.Machine[] branches = branchesOf(s);
            ArrayNode results = NF.arrayNode();
            Instant begin = clock.now();
            Instant end = begin;
            for (int i = 0; i < branches.length; i++) {
                Clock branchClock = new Clock(begin);
                results.add(runMachine(branches[i], branchInput, branchClock, scope.child(),
                        prefix(where) + s.name() + "/Branches[" + i + "]"));
                if (branchClock.now().isAfter(end)) {
                    end = branchClock.now();
                }
            }
            clock.set(end);
            return results;
        }

        JsonNode map(AslDefinition.State s, JsonNode raw, Clock clock, ObjectNode ctx, Map<String, JsonNode> vars,
                     Scope scope, String where) {
            ObjectNode n = s.node();
            JsonNode effective = inputPath(s, raw, ctx, vars);
            JsonNode items = n.has("ItemsPath")
                    ? readOrFail(s, "ItemsPath", n.get("ItemsPath").textValue(), effective, ctx, vars, Errors.RUNTIME)
                    : effective;
            if (!items.isArray()) {
                throw StatesError.runtime("state \"" + s.name() + "\": ItemsPath "
                        + (n.has("ItemsPath") ? n.get("ItemsPath").textValue() : "$")
                        + " must select a JSON array, got " + items);
            }
            int concurrency = 0;
            if (n.has("MaxConcurrency")) {
                concurrency = n.get("MaxConcurrency").intValue();
            } else if (n.has("MaxConcurrencyPath")) {
                JsonNode v = readOrFail(s, "MaxConcurrencyPath", n.get("MaxConcurrencyPath").textValue(), effective,
                        ctx, vars, Errors.RUNTIME);
                if (!v.isIntegralNumber() || v.longValue() < 0) {
                    throw StatesError.runtime("state \"" + s.name() + "\": MaxConcurrencyPath must select a "
                            + "non-negative integer, got " + v);
                }
                concurrency = v.intValue();
            }
            JsonNode selector = n.has("ItemSelector") ? n.get("ItemSelector") : n.get("Parameters");
            String selectorField = n.has("ItemSelector") ? "ItemSelector" : "Parameters";
            AslDefinition.Machine proc = processorOf(s);
            ArrayNode results = NF.arrayNode();
            Instant begin = clock.now();
            Instant end = begin;
            // Simulated scheduling: at most MaxConcurrency iterations overlap (0 = no limit).
            PriorityQueue<Instant> running = new PriorityQueue<>();
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                JsonNode itemInput = item;
                if (selector != null) {
                    ObjectNode itemCtx = ctx.deepCopy();
                    ObjectNode itemNode = itemCtx.putObject("Map").putObject("Item");
                    itemNode.put("Index", i);
                    itemNode.set("Value", item);
                    itemInput = template(selector, effective, itemCtx, vars, selectorField);
                }
                Instant startAt = begin;
                if (concurrency > 0 && running.size() >= concurrency) {
                    startAt = running.poll();
                }
                Clock itemClock = new Clock(startAt);
                results.add(runMachine(proc, itemInput, itemClock, scope.child(),
                        prefix(where) + s.name() + "/Item[" + i + "]"));
                running.add(itemClock.now());
                if (itemClock.now().isAfter(end)) {
                    end = itemClock.now();
                }
            }
            clock.set(end);
            return results;
        }

        AslDefinition.Machine[] branchesOf(AslDefinition.State s) {
            JsonNode b = s.node().get("Branches");
            AslDefinition.Machine[] out = new AslDefinition.Machine[b.size()];
            for (int i = 0; i < b.size(); i++) {
                out[i] = machineOf(b.get(i));
            }
            return out;
        }

        AslDefinition.Machine processorOf(AslDefinition.State s) {
            JsonNode p = s.node().has("ItemProcessor") ? s.node().get("ItemProcessor") : s.node().get("Iterator");
            return machineOf(p);
        }

        AslDefinition.Machine machineOf(JsonNode m) {
            Map<String, AslDefinition.State> states = new LinkedHashMap<>();
            for (Iterator<String> it = m.get("States").fieldNames(); it.hasNext(); ) {
                String name = it.next();
                states.put(name, def.allStates().get(name));
            }
            return new AslDefinition.Machine(m.get("StartAt").textValue(), states);
        }

        String prefix(String where) {
            return where.isEmpty() ? "" : where + "/";
        }

        String failField(AslDefinition.State s, String f, JsonNode raw, ObjectNode ctx, Map<String, JsonNode> vars) {
            ObjectNode n = s.node();
            if (n.has(f)) {
                return n.get(f).textValue();
            }
            if (!n.has(f + "Path")) {
                return null;
            }
            String expr = n.get(f + "Path").textValue();
            JsonNode v = Intrinsics.looksLikeCall(expr)
                    ? Intrinsics.evaluate(Intrinsics.parse(expr), env(raw, ctx, vars), f + "Path")
                    : readOrFail(s, f + "Path", expr, raw, ctx, vars, Errors.RUNTIME);
            if (!v.isTextual()) {
                throw StatesError.runtime("state \"" + s.name() + "\": " + f + "Path " + expr
                        + " must select a string, got " + v);
            }
            return v.textValue();
        }

        Instant waitUntil(AslDefinition.State s, JsonNode effective, ObjectNode ctx, Map<String, JsonNode> vars,
                          Instant entered) {
            ObjectNode n = s.node();
            if (n.has("Seconds")) {
                return entered.plusSeconds(n.get("Seconds").longValue());
            }
            if (n.has("Timestamp")) {
                return max(entered, OffsetDateTime.parse(n.get("Timestamp").textValue()).toInstant());
            }
            if (n.has("SecondsPath")) {
                JsonNode v = readOrFail(s, "SecondsPath", n.get("SecondsPath").textValue(), effective, ctx, vars,
                        Errors.RUNTIME);
                if (!v.isIntegralNumber() || v.longValue() < 0) {
                    throw StatesError.runtime("state \"" + s.name() + "\": SecondsPath "
                            + n.get("SecondsPath").textValue() + " must select a non-negative integer, got " + v);
                }
                return entered.plusSeconds(v.longValue());
            }
            JsonNode v = readOrFail(s, "TimestampPath", n.get("TimestampPath").textValue(), effective, ctx, vars,
                    Errors.RUNTIME);
            if (!v.isTextual() || !AslDefinition.isTimestamp(v.textValue())) {
                throw StatesError.runtime("state \"" + s.name() + "\": TimestampPath "
                        + n.get("TimestampPath").textValue() + " must select an RFC 3339 timestamp, got " + v);
            }
            return max(entered, OffsetDateTime.parse(v.textValue()).toInstant());
        }

        Instant max(Instant a, Instant b) {
            return a.isAfter(b) ? a : b;
        }

        JsonNode inputPath(AslDefinition.State s, JsonNode raw, ObjectNode ctx, Map<String, JsonNode> vars) {
            JsonNode p = s.node().get("InputPath");
            if (p == null) {
                return raw;
            }
            if (p.isNull()) {
                return NF.objectNode();
            }
            return readOrFail(s, "InputPath", p.textValue(), raw, ctx, vars, Errors.RUNTIME);
        }

        JsonNode outputPath(AslDefinition.State s, JsonNode out, ObjectNode ctx, Map<String, JsonNode> vars) {
            JsonNode p = s.node().get("OutputPath");
            if (p == null) {
                return out;
            }
            if (p.isNull()) {
                return NF.objectNode();
            }
            return readOrFail(s, "OutputPath", p.textValue(), out, ctx, vars, Errors.RUNTIME);
        }

        JsonNode resultPath(AslDefinition.State s, JsonNode p, boolean present, JsonNode raw, JsonNode result) {
            if (!present) {
                return result;
            }
            if (p.isNull()) {
                return raw;
            }
            try {
                return JsonPath.parse(p.textValue()).set(raw, result);
            } catch (StatesError e) {
                throw new StatesError(e.error, "state \"" + s.name() + "\": ResultPath " + p.textValue() + ": "
                        + e.errorCause);
            }
        }

        JsonNode readOrFail(AslDefinition.State s, String field, String path, JsonNode doc, ObjectNode ctx,
                            Map<String, JsonNode> vars, String error) {
            try {
                return JsonPath.parse(path).read(doc, ctx, vars);
            } catch (JsonPath.PathNotFoundException e) {
                throw new StatesError(error, "Invalid path '" + path + "' in " + field + " of state \"" + s.name()
                        + "\": the path could not be found in the input " + doc);
            }
        }

        Intrinsics.Env env(JsonNode input, JsonNode ctx, Map<String, JsonNode> vars) {
            return new Intrinsics.Env() {
                public JsonNode input() {
                    return input;
                }

                public JsonNode context() {
                    return ctx;
                }

                public Map<String, JsonNode> variables() {
                    return vars;
                }

                public Random random() {
                    return random;
                }
            };
        }

        /** Payload template: Parameters, ResultSelector, ItemSelector. Keys ending in ".$" are evaluated. */
        JsonNode template(JsonNode t, JsonNode input, JsonNode ctx, Map<String, JsonNode> vars, String field) {
            if (t.isObject()) {
                ObjectNode out = NF.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String key = e.getKey();
                    if (key.endsWith(".$")) {
                        out.set(key.substring(0, key.length() - 2), dynamic(e.getValue().textValue(), input, ctx, vars,
                                key));
                    } else {
                        out.set(key, template(e.getValue(), input, ctx, vars, field));
                    }
                }
                return out;
            }
            if (t.isArray()) {
                ArrayNode out = NF.arrayNode();
                t.forEach(x -> out.add(template(x, input, ctx, vars, field)));
                return out;
            }
            return t.deepCopy();
        }

        JsonNode dynamic(String expr, JsonNode input, JsonNode ctx, Map<String, JsonNode> vars, String key) {
            if (Intrinsics.looksLikeCall(expr)) {
                return Intrinsics.evaluate(Intrinsics.parse(expr), env(input, ctx, vars), key);
            }
            try {
                return JsonPath.parse(expr).read(input, ctx, vars);
            } catch (JsonPath.PathNotFoundException e) {
                String where = expr.startsWith("$$") ? "the context object " + ctx : "the input " + input;
                throw new StatesError(Errors.PARAMETER_PATH_FAILURE, "The JSONPath '" + expr
                        + "' specified for the field '" + key + "' could not be found in " + where);
            }
        }

        /** Evaluates Assign against the values visible at state entry; committed only when the state completes. */
        Map<String, JsonNode> assign(JsonNode assign, JsonNode input, JsonNode ctx, Map<String, JsonNode> vars) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            if (assign == null) {
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = assign.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (key.endsWith(".$")) {
                    out.put(key.substring(0, key.length() - 2), dynamic(e.getValue().textValue(), input, ctx, vars,
                            key));
                } else {
                    out.put(key, template(e.getValue(), input, ctx, vars, "Assign"));
                }
            }
            return out;
        }

        void commit(Scope scope, Map<String, JsonNode> assigned) {
            scope.vars().putAll(assigned);
        }
    }

    /** Choice rule evaluation. https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html */
    static final class Choice {
        private Choice() {
        }

        static boolean evaluate(JsonNode rule, JsonNode input, JsonNode ctx, Map<String, JsonNode> vars) {
            if (rule.has("And")) {
                for (JsonNode r : rule.get("And")) {
                    if (!evaluate(r, input, ctx, vars)) {
                        return false;
                    }
                }
                return true;
            }
            if (rule.has("Or")) {
                for (JsonNode r : rule.get("Or")) {
                    if (evaluate(r, input, ctx, vars)) {
                        return true;
                    }
                }
                return false;
            }
            if (rule.has("Not")) {
                return !evaluate(rule.get("Not"), input, ctx, vars);
            }
            String variable = rule.get("Variable").textValue();
            String op = null;
            for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (AslDefinition.COMPARISONS.contains(k)) {
                    op = k;
                }
            }
            JsonNode expected = rule.get(op);
            JsonNode value;
            try {
                value = JsonPath.parse(variable).read(input, ctx, vars);
            } catch (JsonPath.PathNotFoundException e) {
                if (op.equals("IsPresent")) {
                    return !expected.booleanValue();
                }
                throw StatesError.runtime("Invalid path '" + variable
                        + "': The choice state's condition path references an invalid value.");
            }
            if (op.equals("IsPresent")) {
                return expected.booleanValue();
            }
            switch (op) {
                case "IsNull" -> {
                    return value.isNull() == expected.booleanValue();
                }
                case "IsNumeric" -> {
                    return value.isNumber() == expected.booleanValue();
                }
                case "IsString" -> {
                    return value.isTextual() == expected.booleanValue();
                }
                case "IsBoolean" -> {
                    return value.isBoolean() == expected.booleanValue();
                }
                case "IsTimestamp" -> {
                    return (value.isTextual() && AslDefinition.isTimestamp(value.textValue()))
                            == expected.booleanValue();
                }
                case "StringMatches" -> {
                    return value.isTextual() && matches(value.textValue(), expected.textValue());
                }
                default -> {
                }
            }
            String base = op;
            if (op.endsWith("Path")) {
                base = op.substring(0, op.length() - 4);
                try {
                    expected = JsonPath.parse(expected.textValue()).read(input, ctx, vars);
                } catch (JsonPath.PathNotFoundException e) {
                    throw StatesError.runtime("Invalid path '" + rule.get(op).textValue()
                            + "': The choice state's condition path references an invalid value.");
                }
            }
            String cmp = base.replaceFirst("^(String|Numeric|Timestamp|Boolean)", "");
            if (base.startsWith("String")) {
                if (!value.isTextual() || !expected.isTextual()) {
                    return false;
                }
                return test(cmp, value.textValue().compareTo(expected.textValue()));
            }
            if (base.startsWith("Numeric")) {
                if (!value.isNumber() || !expected.isNumber()) {
                    return false;
                }
                BigDecimal a = value.decimalValue();
                return test(cmp, a.compareTo(expected.decimalValue()));
            }
            if (base.startsWith("Boolean")) {
                return value.isBoolean() && expected.isBoolean() && value.booleanValue() == expected.booleanValue();
            }
            if (!value.isTextual() || !expected.isTextual() || !AslDefinition.isTimestamp(value.textValue())
                    || !AslDefinition.isTimestamp(expected.textValue())) {
                return false;
            }
            Instant a = OffsetDateTime.parse(value.textValue()).toInstant();
            Instant b = OffsetDateTime.parse(expected.textValue()).toInstant();
            return test(cmp, a.compareTo(b));
        }

        private static boolean test(String cmp, int c) {
            return switch (cmp) {
                case "Equals" -> c == 0;
                case "LessThan" -> c < 0;
                case "GreaterThan" -> c > 0;
                case "LessThanEquals" -> c <= 0;
                case "GreaterThanEquals" -> c >= 0;
                default -> throw new IllegalStateException(cmp);
            };
        }

        /** StringMatches: '*' matches any run of characters; '\*' and '\\' are a literal star and backslash. */
        static boolean matches(String value, String pattern) {
            StringBuilder re = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '\\' && i + 1 < pattern.length()) {
                    re.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
                } else if (c == '*') {
                    re.append(".*");
                } else {
                    re.append(java.util.regex.Pattern.quote(String.valueOf(c)));
                }
            }
            return java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.DOTALL).matcher(value)
                    .matches();
        }
    }
}
