package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads the fields that several state types share (paths, payload templates, Assign, Retry, Catch, transitions),
 * checking them as CreateStateMachine does. Every error names the source, and the state and field where there is
 * one: {@code deploy.asl.json: state "RollWeb": Next "Nope" names no state}.
 */
final class FieldReader {
    private static final Set<String> RETRY_FIELDS = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts",
            "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment");
    private static final Set<String> CATCH_FIELDS = Set.of("ErrorEquals", "Next", "ResultPath", "Assign", "Comment");

    private final String source;
    /** Every state name met so far, nested ones included: a target outside the scope is told apart from none. */
    private final Map<String, State> allStates;

    FieldReader(String source, Map<String, State> allStates) {
        this.source = source;
        this.allStates = allStates;
    }

    AslDefinitionException top(String msg) {
        return new AslDefinitionException(source + ": " + msg);
    }

    AslDefinitionException err(String state, String msg) {
        return new AslDefinitionException(source + ": state \"" + state + "\": " + msg);
    }

    /** QueryLanguage, at the top (state null) or on a state: only JSONPath runs here. */
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

    /** A Next, Default or Catch Next: a state of the same machine. */
    String target(String state, String field, JsonNode target, Set<String> local) {
        if (!target.isTextual()) {
            throw err(state, field + " must be a string");
        }
        if (!local.contains(target.textValue())) {
            String why = allStates.containsKey(target.textValue())
                    ? " names a state outside this state's scope (transitions cannot cross Parallel/Map boundaries)"
                    : " names no state";
            throw err(state, field + " \"" + target.textValue() + "\"" + why);
        }
        return target.textValue();
    }

    /** A JSONPath; a reference path (ResultPath, …SecondsPath) has no $$, variables, wildcards or filters. */
    JsonPath path(String state, String field, JsonNode value, boolean reference) {
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

    /** InputPath, OutputPath (not a reference path) or ResultPath (one); value null when the field is absent. */
    Paths.DataPath dataPath(String state, String field, JsonNode value, boolean reference) {
        if (value == null) {
            return Paths.DataPath.DEFAULT;
        }
        if (value.isNull()) {
            return Paths.DataPath.DISCARD;
        }
        return new Paths.Select(path(state, field, value, reference));
    }

    /** Parameters, ResultSelector, ItemSelector, or a value inside Assign. */
    PayloadTemplate template(String state, String field, JsonNode t) {
        if (t.isObject()) {
            List<PayloadTemplate.Field> fields = new ArrayList<>();
            boolean dynamic = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                PayloadTemplate value = key.endsWith(".$")
                        ? new PayloadTemplate.Dynamic(key, expression(state, field + "." + key, e.getValue()))
                        : template(state, field + "." + key, e.getValue());
                dynamic |= !(value instanceof PayloadTemplate.Literal);
                fields.add(new PayloadTemplate.Field(key.endsWith(".$") ? strip(key) : key, value));
            }
            return dynamic ? new PayloadTemplate.ObjectTemplate(List.copyOf(fields)) : new PayloadTemplate.Literal(t);
        }
        if (t.isArray()) {
            List<PayloadTemplate> items = new ArrayList<>();
            for (JsonNode e : t) {
                items.add(template(state, field, e));
            }
            return items.stream().allMatch(i -> i instanceof PayloadTemplate.Literal)
                    ? new PayloadTemplate.Literal(t) : new PayloadTemplate.ArrayTemplate(List.copyOf(items));
        }
        return new PayloadTemplate.Literal(t);
    }

    private static String strip(String dollarKey) {
        return dollarKey.substring(0, dollarKey.length() - 2);
    }

    /** The value of a "key.$", or an ErrorPath/CausePath that calls an intrinsic. */
    PayloadTemplate.Expression expression(String state, String field, JsonNode v) {
        if (!v.isTextual()) {
            throw err(state, field + " must be a string holding a JSONPath or an intrinsic function, got " + v);
        }
        String text = v.textValue();
        if (Intrinsics.looksLikeCall(text)) {
            try {
                return new PayloadTemplate.Expression.Call(text, IntrinsicParser.parse(text));
            } catch (IllegalArgumentException e) {
                throw err(state, field + ": invalid intrinsic function call \"" + text + "\": " + e.getMessage());
            }
        }
        if (text.startsWith("$")) {
            return new PayloadTemplate.Expression.Read(path(state, field, v, false));
        }
        throw err(state, field + " must be a JSONPath or an intrinsic function, got \"" + text + "\"");
    }

    /** Assign (value null when absent): each key names a variable, "name.$" for a computed value. */
    PayloadTemplate.Assignments assign(String state, String field, JsonNode assign) {
        if (assign == null) {
            return PayloadTemplate.Assignments.NONE;
        }
        if (!assign.isObject()) {
            throw err(state, field + " must be a JSON object");
        }
        List<PayloadTemplate.Field> variables = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = assign.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            boolean computed = e.getKey().endsWith(".$");
            String var = computed ? strip(e.getKey()) : e.getKey();
            if (var.isEmpty() || !JsonPath.isIdentStart(var.charAt(0))
                    || !var.chars().allMatch(c -> JsonPath.isIdentPart((char) c)) || var.equals("states")) {
                throw err(state, field + ": \"" + var + "\" is not a valid variable name");
            }
            PayloadTemplate value = computed
                    ? new PayloadTemplate.Dynamic(e.getKey(), expression(state, field + "." + e.getKey(), e.getValue()))
                    : template(state, field + "." + e.getKey(), e.getValue());
            variables.add(new PayloadTemplate.Field(var, value));
        }
        return new PayloadTemplate.Assignments(List.copyOf(variables));
    }

    /** An integer field's bounds (null when absent). */
    void checkInt(String state, String field, JsonNode v, int min, int max) {
        if (v != null && (!v.isIntegralNumber() || v.longValue() < min || v.longValue() > max)) {
            throw err(state, field + " must be an integer from " + min + " to " + max + ", got " + v);
        }
    }

    /** Retry (null when absent). */
    List<RetryCatch.Retrier> retry(String state, JsonNode retry) {
        return entries(state, "Retry", retry, RETRY_FIELDS, (f, r, errors) -> {
            checkInt(state, f + ".IntervalSeconds", r.get("IntervalSeconds"), 1, 99999999);
            checkInt(state, f + ".MaxAttempts", r.get("MaxAttempts"), 0, 99999999);
            checkInt(state, f + ".MaxDelaySeconds", r.get("MaxDelaySeconds"), 1, 31622400);
            JsonNode b = r.get("BackoffRate");
            if (b != null && (!b.isNumber() || b.doubleValue() < 1.0)) {
                throw err(state, f + ".BackoffRate must be a number greater than or equal to 1.0, got " + b);
            }
            JsonNode j = r.get("JitterStrategy");
            if (j != null && !(j.isTextual() && (j.textValue().equals("FULL") || j.textValue().equals("NONE")))) {
                throw err(state, f + ".JitterStrategy must be \"FULL\" or \"NONE\", got " + j);
            }
            return new RetryCatch.Retrier(errors,
                    r.has("IntervalSeconds") ? r.get("IntervalSeconds").doubleValue()
                            : RetryCatch.Retrier.DEFAULT_INTERVAL_SECONDS,
                    r.has("MaxAttempts") ? r.get("MaxAttempts").intValue() : RetryCatch.Retrier.DEFAULT_MAX_ATTEMPTS,
                    b != null ? b.doubleValue() : RetryCatch.Retrier.DEFAULT_BACKOFF_RATE,
                    r.has("MaxDelaySeconds") ? OptionalDouble.of(r.get("MaxDelaySeconds").doubleValue())
                            : OptionalDouble.empty(),
                    j != null && j.textValue().equals("FULL"));
        });
    }

    /** Catch (null when absent). */
    List<RetryCatch.Catcher> catchers(String state, JsonNode c, Set<String> local) {
        return entries(state, "Catch", c, CATCH_FIELDS, (f, r, errors) -> {
            if (!r.has("Next")) {
                throw err(state, f + ".Next is required");
            }
            String next = target(state, f + ".Next", r.get("Next"), local);
            Paths.DataPath resultPath = dataPath(state, f + ".ResultPath", r.get("ResultPath"), true);
            return new RetryCatch.Catcher(errors, next, resultPath, assign(state, f + ".Assign", r.get("Assign")));
        });
    }

    /** Reads one Retry or Catch entry, after its fields and ErrorEquals are checked. */
    private interface EntryReader<T> {
        T read(String field, JsonNode entry, List<String> errorEquals);
    }

    /** Retry or Catch (array null when absent): an array of objects of known fields, each with ErrorEquals. */
    private <T> List<T> entries(String state, String field, JsonNode array, Set<String> known, EntryReader<T> reader) {
        if (array == null) {
            return List.of();
        }
        if (!array.isArray()) {
            throw err(state, field + " must be an array");
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode r = array.get(i);
            String f = field + "[" + i + "]";
            if (!r.isObject()) {
                throw err(state, f + " must be an object");
            }
            r.fieldNames().forEachRemaining(k -> {
                if (k.equals("Output") && field.equals("Catch")) {
                    throw err(state, f + ": Output belongs to the JSONata query language, which this engine does "
                            + "not support");
                }
                if (!known.contains(k)) {
                    throw err(state, f + ": unknown field \"" + k + "\"");
                }
            });
            out.add(reader.read(f, r, errorEquals(state, f, r, i == array.size() - 1)));
        }
        return List.copyOf(out);
    }

    private List<String> errorEquals(String state, String field, JsonNode node, boolean last) {
        JsonNode ee = node.get("ErrorEquals");
        if (!(ee != null && ee.isArray() && !ee.isEmpty())) {
            throw err(state, field + ".ErrorEquals is required and must be a non-empty array of strings");
        }
        List<String> out = new ArrayList<>();
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
            out.add(name);
        }
        return List.copyOf(out);
    }
}
