package dev.outrigger.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
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
 * A state machine definition that passed the same checks AWS makes at CreateStateMachine, restricted to what this
 * engine runs correctly (the JSONPath query language, inline Map). Anything else is refused at load with an
 * {@link AslDefinitionException} naming the source, the state and the field.
 * https://states-language.net/spec.html and https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 */
public final class AslDefinition {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private final String sourceName;
    private final ObjectNode root;
    private final Machine machine;
    private final Map<String, State> allStates;

    /** One state: its name, type and (validated) JSON. */
    public record State(String name, String type, ObjectNode node) {
        Optional<JsonNode> field(String f) {
            return Optional.ofNullable(node.get(f));
        }

        Optional<String> next() {
            return field("Next").map(JsonNode::textValue);
        }
    }

    /** A state machine or a nested one (a Parallel branch, a Map item processor). */
    public record Machine(String startAt, Map<String, State> states) {
    }

    private AslDefinition(String sourceName, ObjectNode root, Machine machine, Map<String, State> allStates) {
        this.sourceName = sourceName;
        this.root = root;
        this.machine = machine;
        this.allStates = allStates;
    }

    public String sourceName() {
        return sourceName;
    }

    /** The definition as parsed (after DefinitionSubstitutions, if the caller applied them). */
    public ObjectNode json() {
        return root.deepCopy();
    }

    public Machine machine() {
        return machine;
    }

    /** Every state, nested ones included (names are unique across the whole definition). */
    public Map<String, State> allStates() {
        return allStates;
    }

    /** The execution-level TimeoutSeconds, when the definition sets one. */
    public Optional<Integer> timeoutSeconds() {
        return Optional.ofNullable(root.get("TimeoutSeconds")).map(JsonNode::intValue);
    }

    public static AslDefinition parse(String json, String sourceName) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AslDefinitionException(sourceName + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw new AslDefinitionException(sourceName + ": a state machine definition must be a JSON object");
        }
        Validator v = new Validator(sourceName);
        Machine m = v.validateTop(obj);
        return new AslDefinition(sourceName, obj, m, Collections.unmodifiableMap(v.all));
    }

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

    private static final List<String> STRING_OPS = List.of("StringEquals", "StringLessThan", "StringGreaterThan",
            "StringLessThanEquals", "StringGreaterThanEquals");
    private static final List<String> NUMERIC_OPS = List.of("NumericEquals", "NumericLessThan",
            "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals");
    private static final List<String> TIMESTAMP_OPS = List.of("TimestampEquals", "TimestampLessThan",
            "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals");
    private static final List<String> TYPE_OPS = List.of("IsPresent", "IsNull", "IsNumeric", "IsString",
            "IsBoolean", "IsTimestamp");

    /** Every comparison operator a Choice data-test rule may use. */
    static final Set<String> COMPARISONS;

    static {
        Set<String> ops = new HashSet<>();
        for (List<String> group : List.of(STRING_OPS, NUMERIC_OPS, TIMESTAMP_OPS)) {
            for (String op : group) {
                ops.add(op);
                ops.add(op + "Path");
            }
        }
        ops.add("BooleanEquals");
        ops.add("BooleanEqualsPath");
        ops.add("StringMatches");
        ops.addAll(TYPE_OPS);
        COMPARISONS = Set.copyOf(ops);
    }

    static boolean isTimestamp(String s) {
        try {
            OffsetDateTime.parse(s);
            // AWS requires an RFC 3339 timestamp with an uppercase T and an offset (Z or +hh:mm).
            return s.contains("T") && !s.contains("t");
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static final class Validator {
        final String source;
        final Map<String, State> all = new LinkedHashMap<>();

        Validator(String source) {
            this.source = source;
        }

        AslDefinitionException top(String msg) {
            return new AslDefinitionException(source + ": " + msg);
        }

        AslDefinitionException err(String state, String msg) {
            return new AslDefinitionException(source + ": state \"" + state + "\": " + msg);
        }

        Machine validateTop(ObjectNode obj) {
            checkQueryLanguage(obj, null);
            for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!TOP_FIELDS.contains(f)) {
                    throw top("unknown top-level field \"" + f + "\"");
                }
            }
            if (obj.has("TimeoutSeconds")) {
                JsonNode t = obj.get("TimeoutSeconds");
                if (!t.isIntegralNumber() || t.intValue() <= 0) {
                    throw top("TimeoutSeconds must be a positive integer, got " + t);
                }
            }
            if (obj.has("Version") && !obj.get("Version").isTextual()) {
                throw top("Version must be a string");
            }
            return machine(obj, null, "the definition");
        }

        void checkQueryLanguage(JsonNode obj, String state) {
            JsonNode ql = obj.get("QueryLanguage");
            if (ql == null) {
                return;
            }
            String where = state == null ? source + ": " : source + ": state \"" + state + "\": ";
            if ("JSONata".equals(ql.asText())) {
                throw new AslDefinitionException(where + "QueryLanguage \"JSONata\" is not supported by this engine "
                        + "(only JSONPath)");
            }
            if (!"JSONPath".equals(ql.asText())) {
                throw new AslDefinitionException(where + "QueryLanguage must be \"JSONPath\" or \"JSONata\", got " + ql);
            }
        }

        /** Validates a (possibly nested) machine; owner names the Parallel/Map state for nested ones. */
        Machine machine(JsonNode obj, String owner, String what) {
            String prefix = owner == null ? "" : "state \"" + owner + "\": " + what + ": ";
            JsonNode startAt = obj.get("StartAt");
            JsonNode states = obj.get("States");
            if (startAt == null || !startAt.isTextual()) {
                throw top(prefix + "StartAt is required and must be a string");
            }
            if (!(states instanceof ObjectNode statesObj) || states.isEmpty()) {
                throw top(prefix + "States is required and must be a non-empty object");
            }
            Map<String, State> local = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = statesObj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                if (name.isEmpty() || name.length() > 80) {
                    throw top(prefix + "state name \"" + name + "\" must be 1 to 80 characters");
                }
                if (!(e.getValue() instanceof ObjectNode sn)) {
                    throw err(name, "a state must be a JSON object");
                }
                JsonNode type = sn.get("Type");
                if (type == null || !type.isTextual()) {
                    throw err(name, "Type is required");
                }
                if (!STATE_FIELDS.containsKey(type.textValue())) {
                    throw err(name, "Type \"" + type.textValue() + "\" is not a state type");
                }
                if (all.containsKey(name)) {
                    throw err(name, "state names must be unique within the whole state machine");
                }
                State s = new State(name, type.textValue(), sn);
                local.put(name, s);
                all.put(name, s);
            }
            if (!local.containsKey(startAt.textValue())) {
                throw top(prefix + "StartAt \"" + startAt.textValue() + "\" names no state");
            }
            for (State s : local.values()) {
                validateState(s, local);
            }
            // AWS rejects definitions with states that no transition reaches.
            Set<String> reached = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(startAt.textValue()));
            while (!todo.isEmpty()) {
                String n = todo.pop();
                if (reached.add(n)) {
                    todo.addAll(targets(local.get(n)));
                }
            }
            for (String n : local.keySet()) {
                if (!reached.contains(n)) {
                    throw err(n, "is not reachable from StartAt \"" + startAt.textValue() + "\"");
                }
            }
            return new Machine(startAt.textValue(), Collections.unmodifiableMap(local));
        }

        static List<String> targets(State s) {
            List<String> out = new ArrayList<>();
            s.next().ifPresent(out::add);
            s.field("Default").map(JsonNode::textValue).ifPresent(out::add);
            s.field("Choices").ifPresent(cs -> cs.forEach(c -> {
                if (c.has("Next")) {
                    out.add(c.get("Next").asText());
                }
            }));
            s.field("Catch").ifPresent(cs -> cs.forEach(c -> {
                if (c.has("Next")) {
                    out.add(c.get("Next").asText());
                }
            }));
            return out;
        }

        void validateState(State s, Map<String, State> local) {
            String name = s.name();
            ObjectNode n = s.node();
            checkQueryLanguage(n, name);
            Set<String> allowed = STATE_FIELDS.get(s.type());
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (f.equals("Type") || f.equals("Comment") || f.equals("QueryLanguage")) {
                    continue;
                }
                if (!allowed.contains(f)) {
                    if (REFUSED_FIELDS.containsKey(f) && (s.type().equals("Map") || !f.startsWith("Item"))) {
                        throw err(name, f + ": " + REFUSED_FIELDS.get(f));
                    }
                    throw err(name, "field \"" + f + "\" is not valid in a " + s.type() + " state");
                }
            }
            if (n.has("Comment") && !n.get("Comment").isTextual()) {
                throw err(name, "Comment must be a string");
            }
            boolean flow = Set.of("Pass", "Task", "Wait", "Parallel", "Map").contains(s.type());
            if (flow) {
                boolean end = n.has("End");
                boolean next = n.has("Next");
                if (end && !(n.get("End").isBoolean() && n.get("End").booleanValue())) {
                    throw err(name, "End must be true when present");
                }
                if (end && next) {
                    throw err(name, "has both Next and End; a state has exactly one of them");
                }
                if (!end && !next) {
                    throw err(name, "has neither Next nor End; a non-terminal state needs Next");
                }
            }
            if (n.has("Next")) {
                checkTarget(name, "Next", n.get("Next"), local);
            }
            for (String f : List.of("InputPath", "OutputPath")) {
                if (n.has(f) && !n.get(f).isNull()) {
                    checkPath(name, f, n.get(f), false);
                }
            }
            if (n.has("ResultPath") && !n.get("ResultPath").isNull()) {
                checkPath(name, "ResultPath", n.get("ResultPath"), true);
            }
            for (String f : List.of("Parameters", "ResultSelector", "ItemSelector")) {
                if (n.has(f)) {
                    if (f.equals("Parameters") && s.type().equals("Map") && n.has("ItemSelector")) {
                        throw err(name, "Parameters and ItemSelector cannot both be set");
                    }
                    if (!f.equals("Parameters") && !n.get(f).isObject()) {
                        throw err(name, f + " must be a JSON object");
                    }
                    checkTemplate(name, f, n.get(f));
                }
            }
            if (n.has("Assign")) {
                checkAssign(name, "Assign", n.get("Assign"));
            }
            if (n.has("Retry")) {
                checkRetry(name, n.get("Retry"));
            }
            if (n.has("Catch")) {
                checkCatch(name, n.get("Catch"), local);
            }
            switch (s.type()) {
                case "Task" -> checkTask(s);
                case "Choice" -> checkChoice(s, local);
                case "Wait" -> checkWait(s);
                case "Fail" -> checkFail(s);
                case "Parallel" -> checkParallel(s);
                case "Map" -> checkMap(s);
                default -> {
                }
            }
        }

        void checkTarget(String state, String field, JsonNode target, Map<String, State> local) {
            if (!target.isTextual()) {
                throw err(state, field + " must be a string");
            }
            if (!local.containsKey(target.textValue())) {
                String why = all.containsKey(target.textValue())
                        ? " names a state outside this state's scope (transitions cannot cross Parallel/Map boundaries)"
                        : " names no state";
                throw err(state, field + " \"" + target.textValue() + "\"" + why);
            }
        }

        JsonPath checkPath(String state, String field, JsonNode value, boolean reference) {
            if (!value.isTextual()) {
                throw err(state, field + " must be a JSONPath string, got " + value);
            }
            JsonPath p;
            try {
                p = JsonPath.parse(value.textValue());
            } catch (JsonPath.InvalidPathException e) {
                throw err(state, field + ": " + e.getMessage());
            }
            if (reference && (p.root() != JsonPath.Root.INPUT || !p.isDefinite())) {
                throw err(state, field + " \"" + value.textValue() + "\" must be a reference path (no $$, variables, "
                        + "wildcards, slices or filters)");
            }
            return p;
        }

        void checkTemplate(String state, String field, JsonNode t) {
            if (t.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getKey().endsWith(".$")) {
                        checkDynamic(state, field + "." + e.getKey(), e.getValue());
                    } else {
                        checkTemplate(state, field + "." + e.getKey(), e.getValue());
                    }
                }
            } else if (t.isArray()) {
                for (JsonNode e : t) {
                    checkTemplate(state, field, e);
                }
            }
        }

        void checkDynamic(String state, String field, JsonNode v) {
            if (!v.isTextual()) {
                throw err(state, field + " must be a string holding a JSONPath or an intrinsic function, got " + v);
            }
            String text = v.textValue();
            if (Intrinsics.looksLikeCall(text)) {
                try {
                    Intrinsics.parse(text);
                } catch (IllegalArgumentException e) {
                    throw err(state, field + ": invalid intrinsic function call \"" + text + "\": " + e.getMessage());
                }
            } else if (text.startsWith("$")) {
                checkPath(state, field, v, false);
            } else {
                throw err(state, field + " must be a JSONPath or an intrinsic function, got \"" + text + "\"");
            }
        }

        void checkAssign(String state, String field, JsonNode assign) {
            if (!assign.isObject()) {
                throw err(state, field + " must be a JSON object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = assign.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String var = e.getKey().endsWith(".$") ? e.getKey().substring(0, e.getKey().length() - 2) : e.getKey();
                if (var.isEmpty() || !JsonPath.isIdentStart(var.charAt(0))
                        || !var.chars().allMatch(c -> JsonPath.isIdentPart((char) c)) || var.equals("states")) {
                    throw err(state, field + ": \"" + var + "\" is not a valid variable name");
                }
                if (e.getKey().endsWith(".$")) {
                    checkDynamic(state, field + "." + e.getKey(), e.getValue());
                } else {
                    checkTemplate(state, field + "." + e.getKey(), e.getValue());
                }
            }
        }

        void checkErrorEquals(String state, String field, JsonNode node, boolean last) {
            JsonNode ee = node.get("ErrorEquals");
            if (!(ee != null && ee.isArray() && !ee.isEmpty())) {
                throw err(state, field + ".ErrorEquals is required and must be a non-empty array of strings");
            }
            for (JsonNode e : ee) {
                if (!e.isTextual()) {
                    throw err(state, field + ".ErrorEquals must contain only strings");
                }
                String name = e.textValue();
                if (name.startsWith("States.") && !Errors.KNOWN.contains(name)) {
                    throw err(state, field + ".ErrorEquals: \"" + name + "\" is not a predefined error name");
                }
                if (name.equals(Errors.ALL)) {
                    if (ee.size() != 1) {
                        throw err(state, field + ".ErrorEquals: States.ALL must appear alone");
                    }
                    if (!last) {
                        throw err(state, field + ": States.ALL must be in the last " + field.replaceAll("\\[.*", "")
                                + " entry");
                    }
                }
            }
        }

        void checkRetry(String state, JsonNode retry) {
            if (!retry.isArray()) {
                throw err(state, "Retry must be an array");
            }
            Set<String> ok = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
                    "MaxDelaySeconds", "JitterStrategy", "Comment");
            for (int i = 0; i < retry.size(); i++) {
                JsonNode r = retry.get(i);
                String f = "Retry[" + i + "]";
                if (!r.isObject()) {
                    throw err(state, f + " must be an object");
                }
                r.fieldNames().forEachRemaining(k -> {
                    if (!ok.contains(k)) {
                        throw err(state, f + ": unknown field \"" + k + "\"");
                    }
                });
                checkErrorEquals(state, f, r, i == retry.size() - 1);
                positiveInt(state, f + ".IntervalSeconds", r.get("IntervalSeconds"), 1, 99999999);
                positiveInt(state, f + ".MaxAttempts", r.get("MaxAttempts"), 0, 99999999);
                positiveInt(state, f + ".MaxDelaySeconds", r.get("MaxDelaySeconds"), 1, 31622400);
                JsonNode b = r.get("BackoffRate");
                if (b != null && (!b.isNumber() || b.doubleValue() < 1.0)) {
                    throw err(state, f + ".BackoffRate must be a number greater than or equal to 1.0, got " + b);
                }
                JsonNode j = r.get("JitterStrategy");
                if (j != null && !(j.isTextual() && (j.textValue().equals("FULL") || j.textValue().equals("NONE")))) {
                    throw err(state, f + ".JitterStrategy must be \"FULL\" or \"NONE\", got " + j);
                }
            }
        }

        void checkCatch(String state, JsonNode c, Map<String, State> local) {
            if (!c.isArray()) {
                throw err(state, "Catch must be an array");
            }
            Set<String> ok = Set.of("ErrorEquals", "Next", "ResultPath", "Assign", "Comment");
            for (int i = 0; i < c.size(); i++) {
                JsonNode r = c.get(i);
                String f = "Catch[" + i + "]";
                if (!r.isObject()) {
                    throw err(state, f + " must be an object");
                }
                r.fieldNames().forEachRemaining(k -> {
                    if (k.equals("Output")) {
                        throw err(state, f + ": Output belongs to the JSONata query language, which this engine does not support");
                    }
                    if (!ok.contains(k)) {
                        throw err(state, f + ": unknown field \"" + k + "\"");
                    }
                });
                checkErrorEquals(state, f, r, i == c.size() - 1);
                if (!r.has("Next")) {
                    throw err(state, f + ".Next is required");
                }
                checkTarget(state, f + ".Next", r.get("Next"), local);
                if (r.has("ResultPath") && !r.get("ResultPath").isNull()) {
                    checkPath(state, f + ".ResultPath", r.get("ResultPath"), true);
                }
                if (r.has("Assign")) {
                    checkAssign(state, f + ".Assign", r.get("Assign"));
                }
            }
        }

        void positiveInt(String state, String field, JsonNode v, int min, int max) {
            if (v != null && (!v.isIntegralNumber() || v.longValue() < min || v.longValue() > max)) {
                throw err(state, field + " must be an integer from " + min + " to " + max + ", got " + v);
            }
        }

        void checkTask(State s) {
            ObjectNode n = s.node();
            JsonNode r = n.get("Resource");
            if (r == null || !r.isTextual() || r.textValue().isBlank()) {
                throw err(s.name(), "Resource is required and must be a string");
            }
            if (!r.textValue().startsWith("arn:")) {
                throw err(s.name(), "Resource \"" + r.textValue() + "\" is not an ARN");
            }
            if (n.has("TimeoutSeconds") && n.has("TimeoutSecondsPath")) {
                throw err(s.name(), "TimeoutSeconds and TimeoutSecondsPath cannot both be set");
            }
            if (n.has("HeartbeatSeconds") && n.has("HeartbeatSecondsPath")) {
                throw err(s.name(), "HeartbeatSeconds and HeartbeatSecondsPath cannot both be set");
            }
            positiveInt(s.name(), "TimeoutSeconds", n.get("TimeoutSeconds"), 1, 99999999);
            positiveInt(s.name(), "HeartbeatSeconds", n.get("HeartbeatSeconds"), 1, 99999999);
            if (n.has("TimeoutSeconds") && n.has("HeartbeatSeconds")
                    && n.get("HeartbeatSeconds").intValue() >= n.get("TimeoutSeconds").intValue()) {
                throw err(s.name(), "HeartbeatSeconds must be smaller than TimeoutSeconds");
            }
            for (String f : List.of("TimeoutSecondsPath", "HeartbeatSecondsPath")) {
                if (n.has(f)) {
                    checkPath(s.name(), f, n.get(f), true);
                }
            }
            if (n.has("Credentials")) {
                throw err(s.name(), "Credentials (cross-account task role) is not supported by this engine");
            }
        }

        void checkWait(State s) {
            ObjectNode n = s.node();
            List<String> set = new ArrayList<>();
            for (String f : List.of("Seconds", "Timestamp", "SecondsPath", "TimestampPath")) {
                if (n.has(f)) {
                    set.add(f);
                }
            }
            if (set.size() != 1) {
                throw err(s.name(), "a Wait state needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath"
                        + (set.isEmpty() ? "" : ", got " + String.join(" and ", set)));
            }
            positiveInt(s.name(), "Seconds", n.get("Seconds"), 0, 99999999);
            if (n.has("Timestamp") && !(n.get("Timestamp").isTextual() && isTimestamp(n.get("Timestamp").textValue()))) {
                throw err(s.name(), "Timestamp must be an RFC 3339 timestamp such as 2026-01-01T00:00:00Z, got "
                        + n.get("Timestamp"));
            }
            for (String f : List.of("SecondsPath", "TimestampPath")) {
                if (n.has(f)) {
                    checkPath(s.name(), f, n.get(f), false);
                }
            }
        }

        void checkFail(State s) {
            ObjectNode n = s.node();
            for (String f : List.of("Error", "Cause")) {
                if (n.has(f) && n.has(f + "Path")) {
                    throw err(s.name(), f + " and " + f + "Path cannot both be set");
                }
                if (n.has(f) && !n.get(f).isTextual()) {
                    throw err(s.name(), f + " must be a string");
                }
                if (n.has(f + "Path")) {
                    JsonNode p = n.get(f + "Path");
                    if (p.isTextual() && Intrinsics.looksLikeCall(p.textValue())) {
                        checkDynamic(s.name(), f + "Path", p);
                    } else {
                        checkPath(s.name(), f + "Path", p, false);
                    }
                }
            }
        }

        void checkParallel(State s) {
            JsonNode b = s.node().get("Branches");
            if (b == null || !b.isArray() || b.isEmpty()) {
                throw err(s.name(), "Branches is required and must be a non-empty array");
            }
            for (int i = 0; i < b.size(); i++) {
                if (!b.get(i).isObject()) {
                    throw err(s.name(), "Branches[" + i + "] must be an object");
                }
                for (Iterator<String> it = b.get(i).fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!MACHINE_FIELDS.contains(f) || f.equals("ProcessorConfig")) {
                        throw err(s.name(), "Branches[" + i + "]: unknown field \"" + f + "\"");
                    }
                }
                checkQueryLanguage(b.get(i), s.name());
                machine(b.get(i), s.name(), "Branches[" + i + "]");
            }
        }

        void checkMap(State s) {
            ObjectNode n = s.node();
            if (n.has("ItemProcessor") == n.has("Iterator")) {
                throw err(s.name(), "a Map state needs exactly one of ItemProcessor and Iterator");
            }
            String field = n.has("ItemProcessor") ? "ItemProcessor" : "Iterator";
            JsonNode proc = n.get(field);
            if (!proc.isObject()) {
                throw err(s.name(), field + " must be an object");
            }
            for (Iterator<String> it = proc.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!MACHINE_FIELDS.contains(f)) {
                    throw err(s.name(), field + ": unknown field \"" + f + "\"");
                }
            }
            JsonNode pc = proc.get("ProcessorConfig");
            if (pc != null) {
                if (!pc.isObject()) {
                    throw err(s.name(), field + ".ProcessorConfig must be an object");
                }
                JsonNode mode = pc.get("Mode");
                if (mode != null && "DISTRIBUTED".equals(mode.asText())) {
                    throw err(s.name(), field + ".ProcessorConfig.Mode: distributed Map is not supported by this "
                            + "engine (only INLINE)");
                }
                if (mode != null && !"INLINE".equals(mode.asText())) {
                    throw err(s.name(), field + ".ProcessorConfig.Mode must be INLINE or DISTRIBUTED, got " + mode);
                }
                for (Iterator<String> it = pc.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!f.equals("Mode")) {
                        throw err(s.name(), field + ".ProcessorConfig." + f + " is not supported by this engine");
                    }
                }
            }
            checkQueryLanguage(proc, s.name());
            if (n.has("ItemsPath")) {
                checkPath(s.name(), "ItemsPath", n.get("ItemsPath"), false);
            }
            if (n.has("MaxConcurrency") && n.has("MaxConcurrencyPath")) {
                throw err(s.name(), "MaxConcurrency and MaxConcurrencyPath cannot both be set");
            }
            positiveInt(s.name(), "MaxConcurrency", n.get("MaxConcurrency"), 0, Integer.MAX_VALUE);
            if (n.has("MaxConcurrencyPath")) {
                checkPath(s.name(), "MaxConcurrencyPath", n.get("MaxConcurrencyPath"), true);
            }
            machine(proc, s.name(), field);
        }

        void checkChoice(State s, Map<String, State> local) {
            ObjectNode n = s.node();
            JsonNode choices = n.get("Choices");
            if (choices == null || !choices.isArray() || choices.isEmpty()) {
                throw err(s.name(), "Choices is required and must be a non-empty array");
            }
            for (int i = 0; i < choices.size(); i++) {
                JsonNode rule = choices.get(i);
                String f = "Choices[" + i + "]";
                if (!rule.isObject()) {
                    throw err(s.name(), f + " must be an object");
                }
                if (!rule.has("Next")) {
                    throw err(s.name(), f + ".Next is required in a top-level choice rule");
                }
                checkTarget(s.name(), f + ".Next", rule.get("Next"), local);
                if (rule.has("Assign")) {
                    checkAssign(s.name(), f + ".Assign", rule.get("Assign"));
                }
                checkRule(s.name(), f, rule, true);
            }
            if (n.has("Default")) {
                checkTarget(s.name(), "Default", n.get("Default"), local);
            }
        }

        void checkRule(String state, String f, JsonNode rule, boolean topLevel) {
            if (!rule.isObject()) {
                throw err(state, f + " must be an object");
            }
            List<String> ops = new ArrayList<>();
            for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (k.equals("Next") || k.equals("Assign")) {
                    if (!topLevel) {
                        throw err(state, f + ": " + k + " is only allowed in a top-level choice rule");
                    }
                } else if (k.equals("Comment") || k.equals("Variable")) {
                    continue;
                } else if (k.equals("And") || k.equals("Or") || k.equals("Not") || COMPARISONS.contains(k)) {
                    ops.add(k);
                } else if (k.equals("Condition")) {
                    throw err(state, f + ": Condition belongs to the JSONata query language, which this engine does not support");
                } else {
                    throw err(state, f + ": unknown field \"" + k + "\"");
                }
            }
            if (ops.size() != 1) {
                throw err(state, f + " must have exactly one comparison operator or And/Or/Not"
                        + (ops.isEmpty() ? "" : ", got " + String.join(", ", ops)));
            }
            String op = ops.getFirst();
            JsonNode v = rule.get(op);
            switch (op) {
                case "And", "Or" -> {
                    if (rule.has("Variable")) {
                        throw err(state, f + ": a Boolean " + op + " rule cannot have a Variable");
                    }
                    if (!v.isArray() || v.isEmpty()) {
                        throw err(state, f + "." + op + " must be a non-empty array of rules");
                    }
                    for (int i = 0; i < v.size(); i++) {
                        checkRule(state, f + "." + op + "[" + i + "]", v.get(i), false);
                    }
                    return;
                }
                case "Not" -> {
                    if (rule.has("Variable")) {
                        throw err(state, f + ": a Boolean Not rule cannot have a Variable");
                    }
                    checkRule(state, f + ".Not", v, false);
                    return;
                }
                default -> {
                }
            }
            if (!rule.has("Variable")) {
                throw err(state, f + ".Variable is required with " + op);
            }
            checkPath(state, f + ".Variable", rule.get("Variable"), false);
            if (op.endsWith("Path")) {
                checkPath(state, f + "." + op, v, false);
            } else if (STRING_OPS.contains(op) || op.equals("StringMatches")) {
                if (!v.isTextual()) {
                    throw err(state, f + "." + op + " must be a string, got " + v);
                }
            } else if (NUMERIC_OPS.contains(op)) {
                if (!v.isNumber()) {
                    throw err(state, f + "." + op + " must be a number, got " + v);
                }
            } else if (TIMESTAMP_OPS.contains(op)) {
                if (!v.isTextual() || !isTimestamp(v.textValue())) {
                    throw err(state, f + "." + op + " must be an RFC 3339 timestamp, got " + v);
                }
            } else if (!v.isBoolean()) {
                throw err(state, f + "." + op + " must be a boolean, got " + v);
            }
        }
    }
}
