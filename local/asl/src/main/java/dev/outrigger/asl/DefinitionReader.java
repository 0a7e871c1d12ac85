package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a definition's JSON into {@link State} records, making the checks AWS makes at CreateStateMachine and
 * refusing what this engine does not run. It reads each machine's state names first, then each state (nested
 * machines as their Parallel or Map state is read), then checks that every state is reachable.
 * https://states-language.net/spec.html
 */
final class DefinitionReader {
    private static final Set<String> TOP_FIELDS = Set.of("Comment", "StartAt", "States", "Version",
            "TimeoutSeconds", "QueryLanguage");
    private static final Set<String> MACHINE_FIELDS = Set.of("Comment", "StartAt", "States", "ProcessorConfig",
            "QueryLanguage");

    private static final Map<String, Set<String>> STATE_FIELDS = Map.of(
            "Pass", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign"),
            "Task", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
                    "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath",
                    "Retry", "Catch", "Assign", "Credentials"),
            "Choice", Set.of("Choices", "Default", "InputPath", "OutputPath", "Assign"),
            "Wait", Set.of("Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath",
                    "TimestampPath", "Assign"),
            "Succeed", Set.of("InputPath", "OutputPath"),
            "Fail", Set.of("Error", "Cause", "ErrorPath", "CausePath"),
            "Parallel", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters",
                    "ResultSelector", "Branches", "Retry", "Catch", "Assign"),
            "Map", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
                    "ItemsPath", "ItemSelector", "ItemProcessor", "Iterator", "MaxConcurrency",
                    "MaxConcurrencyPath", "Retry", "Catch", "Assign"));
    private static final Set<String> FLOW_TYPES = Set.of("Pass", "Task", "Wait", "Parallel", "Map");
    /** Fields AWS accepts that belong to features this engine refuses (distributed Map, JSONata). */
    private static final Map<String, String> REFUSED_FIELDS = Map.ofEntries(
            Map.entry("ItemReader", "distributed Map (ItemReader) is not supported by this engine"),
            Map.entry("ItemBatcher", "distributed Map (ItemBatcher) is not supported by this engine"),
            Map.entry("ResultWriter", "distributed Map (ResultWriter) is not supported by this engine"),
            Map.entry("ToleratedFailurePercentage", "distributed Map (ToleratedFailurePercentage) is not supported by this engine"),
            Map.entry("ToleratedFailurePercentagePath", "distributed Map (ToleratedFailurePercentagePath) is not supported by this engine"),
            Map.entry("ToleratedFailureCount", "distributed Map (ToleratedFailureCount) is not supported by this engine"),
            Map.entry("ToleratedFailureCountPath", "distributed Map (ToleratedFailureCountPath) is not supported by this engine"),
            Map.entry("Label", "distributed Map (Label) is not supported by this engine"),
            Map.entry("Arguments", "Arguments belongs to the JSONata query language, which this engine does not support"),
            Map.entry("Output", "Output belongs to the JSONata query language, which this engine does not support"),
            Map.entry("Items", "Items belongs to the JSONata query language, which this engine does not support"));

    /** Every state in the order met; a name maps to null until its state is read. */
    private final Map<String, State> all = new LinkedHashMap<>();
    private final FieldReader fields;
    private final ChoiceRuleReader choices;

    DefinitionReader(String source) {
        this.fields = new FieldReader(source, all);
        this.choices = new ChoiceRuleReader(fields);
    }

    Map<String, State> allStates() {
        return Collections.unmodifiableMap(all);
    }

    /** The top-level machine; its TimeoutSeconds is read by {@link #timeoutSeconds}. */
    AslDefinition.Machine top(ObjectNode obj) {
        fields.checkQueryLanguage(obj, null);
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOP_FIELDS.contains(f)) {
                throw fields.top("unknown top-level field \"" + f + "\"");
            }
        }
        timeoutSeconds(obj);
        if (obj.has("Version") && !obj.get("Version").isTextual()) {
            throw fields.top("Version must be a string");
        }
        return machine(obj, null, "the definition");
    }

    Optional<Integer> timeoutSeconds(ObjectNode obj) {
        JsonNode t = obj.get("TimeoutSeconds");
        if (t == null) {
            return Optional.empty();
        }
        if (!t.isIntegralNumber() || t.intValue() <= 0) {
            throw fields.top("TimeoutSeconds must be a positive integer, got " + t);
        }
        return Optional.of(t.intValue());
    }

    /** A (possibly nested) machine; owner names the Parallel/Map state of a nested one. */
    private AslDefinition.Machine machine(JsonNode obj, String owner, String what) {
        String prefix = owner == null ? "" : "state \"" + owner + "\": " + what + ": ";
        JsonNode startAt = obj.get("StartAt");
        JsonNode states = obj.get("States");
        if (startAt == null || !startAt.isTextual()) {
            throw fields.top(prefix + "StartAt is required and must be a string");
        }
        if (!(states instanceof ObjectNode statesObj) || states.isEmpty()) {
            throw fields.top(prefix + "States is required and must be a non-empty object");
        }
        Map<String, ObjectNode> nodes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = statesObj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.isEmpty() || name.length() > 80) {
                throw fields.top(prefix + "state name \"" + name + "\" must be 1 to 80 characters");
            }
            if (!(e.getValue() instanceof ObjectNode sn)) {
                throw fields.err(name, "a state must be a JSON object");
            }
            JsonNode type = sn.get("Type");
            if (type == null || !type.isTextual()) {
                throw fields.err(name, "Type is required");
            }
            if (!STATE_FIELDS.containsKey(type.textValue())) {
                throw fields.err(name, "Type \"" + type.textValue() + "\" is not a state type");
            }
            if (all.containsKey(name)) {
                throw fields.err(name, "state names must be unique within the whole state machine");
            }
            nodes.put(name, sn);
            all.put(name, null);
        }
        if (!nodes.containsKey(startAt.textValue())) {
            throw fields.top(prefix + "StartAt \"" + startAt.textValue() + "\" names no state");
        }
        Map<String, State> local = new LinkedHashMap<>();
        for (Map.Entry<String, ObjectNode> e : nodes.entrySet()) {
            State s = state(e.getKey(), e.getValue(), nodes.keySet());
            local.put(s.name(), s);
            all.put(s.name(), s);
        }
        // AWS rejects definitions with states that no transition reaches.
        Set<String> reached = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(startAt.textValue()));
        while (!todo.isEmpty()) {
            String n = todo.pop();
            if (reached.add(n)) {
                local.get(n).transitions().forEach(t -> todo.add(t.target()));
            }
        }
        for (String n : local.keySet()) {
            if (!reached.contains(n)) {
                throw fields.err(n, "is not reachable from StartAt \"" + startAt.textValue() + "\"");
            }
        }
        return new AslDefinition.Machine(startAt.textValue(), Collections.unmodifiableMap(local));
    }

    /** The fields most state types share, read in the order AWS reports their problems. */
    private record Common(Optional<String> next, Paths.DataPath inputPath, Paths.DataPath outputPath,
                          Paths.DataPath resultPath, Optional<PayloadTemplate> parameters,
                          Optional<PayloadTemplate> resultSelector, Optional<PayloadTemplate> itemSelector,
                          PayloadTemplate.Assignments assign, List<RetryCatch.Retrier> retry,
                          List<RetryCatch.Catcher> catchers) {
    }

    private State state(String name, ObjectNode n, Set<String> local) {
        String type = n.get("Type").textValue();
        fields.checkQueryLanguage(n, name);
        Set<String> allowed = STATE_FIELDS.get(type);
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (f.equals("Type") || f.equals("Comment") || f.equals("QueryLanguage")) {
                continue;
            }
            if (!allowed.contains(f)) {
                if (REFUSED_FIELDS.containsKey(f) && (type.equals("Map") || !f.startsWith("Item"))) {
                    throw fields.err(name, f + ": " + REFUSED_FIELDS.get(f));
                }
                throw fields.err(name, "field \"" + f + "\" is not valid in a " + type + " state");
            }
        }
        if (n.has("Comment") && !n.get("Comment").isTextual()) {
            throw fields.err(name, "Comment must be a string");
        }
        if (FLOW_TYPES.contains(type)) {
            boolean end = n.has("End");
            boolean next = n.has("Next");
            if (end && !(n.get("End").isBoolean() && n.get("End").booleanValue())) {
                throw fields.err(name, "End must be true when present");
            }
            if (end && next) {
                throw fields.err(name, "has both Next and End; a state has exactly one of them");
            }
            if (!end && !next) {
                throw fields.err(name, "has neither Next nor End; a non-terminal state needs Next");
            }
        }
        Optional<String> next = n.has("Next")
                ? Optional.of(fields.target(name, "Next", n.get("Next"), local)) : Optional.empty();
        Paths.DataPath inputPath = fields.dataPath(name, "InputPath", n.get("InputPath"), false);
        Paths.DataPath outputPath = fields.dataPath(name, "OutputPath", n.get("OutputPath"), false);
        Paths.DataPath resultPath = fields.dataPath(name, "ResultPath", n.get("ResultPath"), true);
        Map<String, Optional<PayloadTemplate>> templates = new LinkedHashMap<>();
        for (String f : List.of("Parameters", "ResultSelector", "ItemSelector")) {
            Optional<PayloadTemplate> t = Optional.empty();
            if (n.has(f)) {
                if (f.equals("Parameters") && type.equals("Map") && n.has("ItemSelector")) {
                    throw fields.err(name, "Parameters and ItemSelector cannot both be set");
                }
                if (!f.equals("Parameters") && !n.get(f).isObject()) {
                    throw fields.err(name, f + " must be a JSON object");
                }
                t = Optional.of(fields.template(name, f, n.get(f)));
            }
            templates.put(f, t);
        }
        PayloadTemplate.Assignments assign = fields.assign(name, "Assign", n.get("Assign"));
        List<RetryCatch.Retrier> retry = fields.retry(name, n.get("Retry"));
        List<RetryCatch.Catcher> catchers = fields.catchers(name, n.get("Catch"), local);
        Common c = new Common(next, inputPath, outputPath, resultPath, templates.get("Parameters"),
                templates.get("ResultSelector"), templates.get("ItemSelector"), assign, retry, catchers);
        return switch (type) {
            case "Pass" -> new State.Pass(name, inputPath, Optional.ofNullable(n.get("Result")), c.parameters(),
                    resultPath, outputPath, assign, next);
            case "Task" -> task(name, n, c);
            case "Choice" -> choices.choice(name, n, inputPath, outputPath, assign, local);
            case "Wait" -> waitState(name, n, c);
            case "Succeed" -> new State.Succeed(name, inputPath, outputPath);
            case "Fail" -> fail(name, n);
            case "Parallel" -> parallel(name, n, c);
            case "Map" -> map(name, n, c);
            default -> throw new IllegalStateException(type);
        };
    }

    private State.Task task(String name, ObjectNode n, Common c) {
        JsonNode r = n.get("Resource");
        if (r == null || !r.isTextual() || r.textValue().isBlank()) {
            throw fields.err(name, "Resource is required and must be a string");
        }
        if (!r.textValue().startsWith("arn:")) {
            throw fields.err(name, "Resource \"" + r.textValue() + "\" is not an ARN");
        }
        if (n.has("TimeoutSeconds") && n.has("TimeoutSecondsPath")) {
            throw fields.err(name, "TimeoutSeconds and TimeoutSecondsPath cannot both be set");
        }
        if (n.has("HeartbeatSeconds") && n.has("HeartbeatSecondsPath")) {
            throw fields.err(name, "HeartbeatSeconds and HeartbeatSecondsPath cannot both be set");
        }
        fields.checkInt(name, "TimeoutSeconds", n.get("TimeoutSeconds"), 1, 99999999);
        fields.checkInt(name, "HeartbeatSeconds", n.get("HeartbeatSeconds"), 1, 99999999);
        if (n.has("TimeoutSeconds") && n.has("HeartbeatSeconds")
                && n.get("HeartbeatSeconds").intValue() >= n.get("TimeoutSeconds").intValue()) {
            throw fields.err(name, "HeartbeatSeconds must be smaller than TimeoutSeconds");
        }
        Optional<Paths.Count> timeout = count(name, n, "TimeoutSeconds", true);
        Optional<Paths.Count> heartbeat = count(name, n, "HeartbeatSeconds", true);
        if (n.has("Credentials")) {
            throw fields.err(name, "Credentials (cross-account task role) is not supported by this engine");
        }
        return new State.Task(name, r.textValue(), c.inputPath(), c.parameters(), timeout, heartbeat,
                c.resultSelector(), c.resultPath(), c.outputPath(), c.retry(), c.catchers(), c.assign(), c.next());
    }

    /** field (already range-checked) or field + "Path" (a path; a reference path when asked). */
    private Optional<Paths.Count> count(String name, ObjectNode n, String field, boolean reference) {
        if (n.has(field)) {
            return Optional.of(new Paths.Fixed(n.get(field).longValue()));
        }
        String pathField = field + "Path";
        if (n.has(pathField)) {
            return Optional.of(new Paths.FromPath(pathField, fields.path(name, pathField, n.get(pathField), reference)));
        }
        return Optional.empty();
    }

    private State.Wait waitState(String name, ObjectNode n, Common c) {
        List<String> set = new ArrayList<>();
        for (String f : List.of("Seconds", "Timestamp", "SecondsPath", "TimestampPath")) {
            if (n.has(f)) {
                set.add(f);
            }
        }
        if (set.size() != 1) {
            throw fields.err(name, "a Wait state needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath"
                    + (set.isEmpty() ? "" : ", got " + String.join(" and ", set)));
        }
        fields.checkInt(name, "Seconds", n.get("Seconds"), 0, 99999999);
        JsonNode ts = n.get("Timestamp");
        if (ts != null && !(ts.isTextual() && AslDefinition.isTimestamp(ts.textValue()))) {
            throw fields.err(name, "Timestamp must be an RFC 3339 timestamp such as 2026-01-01T00:00:00Z, got " + ts);
        }
        State.Wait.Until until;
        if (ts != null) {
            until = new State.Wait.Timestamp(OffsetDateTime.parse(ts.textValue()).toInstant());
        } else if (n.has("TimestampPath")) {
            until = new State.Wait.TimestampPath(fields.path(name, "TimestampPath", n.get("TimestampPath"), false));
        } else {
            until = new State.Wait.Seconds(count(name, n, "Seconds", false).orElseThrow());
        }
        return new State.Wait(name, c.inputPath(), until, c.outputPath(), c.assign(), c.next());
    }

    private State.Fail fail(String name, ObjectNode n) {
        return new State.Fail(name, failText(name, n, "Error"), failText(name, n, "Cause"));
    }

    private Optional<State.Fail.Text> failText(String name, ObjectNode n, String f) {
        String pathField = f + "Path";
        if (n.has(f) && n.has(pathField)) {
            throw fields.err(name, f + " and " + pathField + " cannot both be set");
        }
        if (n.has(f) && !n.get(f).isTextual()) {
            throw fields.err(name, f + " must be a string");
        }
        if (n.has(pathField)) {
            JsonNode p = n.get(pathField);
            PayloadTemplate.Expression e = p.isTextual() && Intrinsics.looksLikeCall(p.textValue())
                    ? fields.expression(name, pathField, p)
                    : new PayloadTemplate.Expression.Read(fields.path(name, pathField, p, false));
            return Optional.of(new State.Fail.Computed(pathField, e));
        }
        return n.has(f) ? Optional.of(new State.Fail.Literal(n.get(f).textValue())) : Optional.empty();
    }

    private State.Parallel parallel(String name, ObjectNode n, Common c) {
        JsonNode b = n.get("Branches");
        if (b == null || !b.isArray() || b.isEmpty()) {
            throw fields.err(name, "Branches is required and must be a non-empty array");
        }
        List<AslDefinition.Machine> branches = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            if (!b.get(i).isObject()) {
                throw fields.err(name, "Branches[" + i + "] must be an object");
            }
            for (Iterator<String> it = b.get(i).fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!MACHINE_FIELDS.contains(f) || f.equals("ProcessorConfig")) {
                    throw fields.err(name, "Branches[" + i + "]: unknown field \"" + f + "\"");
                }
            }
            fields.checkQueryLanguage(b.get(i), name);
            branches.add(machine(b.get(i), name, "Branches[" + i + "]"));
        }
        return new State.Parallel(name, c.inputPath(), c.parameters(), List.copyOf(branches), c.resultSelector(),
                c.resultPath(), c.outputPath(), c.retry(), c.catchers(), c.assign(), c.next());
    }

    private State.Map map(String name, ObjectNode n, Common c) {
        if (n.has("ItemProcessor") == n.has("Iterator")) {
            throw fields.err(name, "a Map state needs exactly one of ItemProcessor and Iterator");
        }
        String field = n.has("ItemProcessor") ? "ItemProcessor" : "Iterator";
        JsonNode proc = n.get(field);
        if (!proc.isObject()) {
            throw fields.err(name, field + " must be an object");
        }
        for (Iterator<String> it = proc.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!MACHINE_FIELDS.contains(f)) {
                throw fields.err(name, field + ": unknown field \"" + f + "\"");
            }
        }
        JsonNode pc = proc.get("ProcessorConfig");
        if (pc != null) {
            if (!pc.isObject()) {
                throw fields.err(name, field + ".ProcessorConfig must be an object");
            }
            JsonNode mode = pc.get("Mode");
            if (mode != null && "DISTRIBUTED".equals(mode.asText())) {
                throw fields.err(name, field + ".ProcessorConfig.Mode: distributed Map is not supported by this "
                        + "engine (only INLINE)");
            }
            if (mode != null && !"INLINE".equals(mode.asText())) {
                throw fields.err(name, field + ".ProcessorConfig.Mode must be INLINE or DISTRIBUTED, got " + mode);
            }
            for (Iterator<String> it = pc.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("Mode")) {
                    throw fields.err(name, field + ".ProcessorConfig." + f + " is not supported by this engine");
                }
            }
        }
        fields.checkQueryLanguage(proc, name);
        Optional<JsonPath> itemsPath = n.has("ItemsPath")
                ? Optional.of(fields.path(name, "ItemsPath", n.get("ItemsPath"), false)) : Optional.empty();
        if (n.has("MaxConcurrency") && n.has("MaxConcurrencyPath")) {
            throw fields.err(name, "MaxConcurrency and MaxConcurrencyPath cannot both be set");
        }
        fields.checkInt(name, "MaxConcurrency", n.get("MaxConcurrency"), 0, Integer.MAX_VALUE);
        Optional<Paths.Count> maxConcurrency = count(name, n, "MaxConcurrency", true);
        AslDefinition.Machine processor = machine(proc, name, field);
        // Before ItemSelector, the legacy Parameters field selected each item's input.
        Optional<PayloadTemplate> itemSelector = c.itemSelector().isPresent() ? c.itemSelector() : c.parameters();
        return new State.Map(name, c.inputPath(), itemsPath, itemSelector, maxConcurrency, processor,
                c.resultSelector(), c.resultPath(), c.outputPath(), c.retry(), c.catchers(), c.assign(), c.next());
    }
}
