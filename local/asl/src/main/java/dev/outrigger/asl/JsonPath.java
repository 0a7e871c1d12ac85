package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSONPath subset Step Functions accepts (it follows Jayway JsonPath): {@code $}, {@code $$} (context object),
 * {@code $name} (a workflow variable), dot and bracket names, indices (negative from the end), {@code [*]} and
 * {@code .*}, slices {@code [a:b]}, index unions {@code [0,2]}, deep scan {@code ..name} and filters
 * {@code [?(@.x == 1)]}. A definite path (names and single indices only) yields the value itself; an indefinite
 * one yields the list of matches. https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
 */
public final class JsonPath {
    static final JsonNodeFactory NF = JsonNodeFactory.instance;

    /** Where a path starts. */
    enum Root { INPUT, CONTEXT, VARIABLE }

    sealed interface Step permits Name, Index, Wildcard, Slice, Union, DeepScan, Filter {
    }

    record Name(String name) implements Step {
    }

    record Index(int index) implements Step {
    }

    record Wildcard() implements Step {
    }

    record Slice(Integer start, Integer end, int step) implements Step {
    }

    record Union(List<Integer> indices, List<String> names) implements Step {
    }

    record DeepScan(Step inner) implements Step {
    }

    record Filter(FilterExpr expr) implements Step {
    }

    private final String text;
    private final Root root;
    private final String variable;
    private final List<Step> steps;
    private final boolean definite;

    JsonPath(String text, Root root, String variable, List<Step> steps) {
        this.text = text;
        this.root = root;
        this.variable = variable;
        this.steps = steps;
        this.definite = steps.stream().allMatch(s -> s instanceof Name || s instanceof Index);
    }

    public String text() {
        return text;
    }

    Root root() {
        return root;
    }

    /** The workflow variable this path reads, when it starts with {@code $name}. */
    Optional<String> variable() {
        return Optional.ofNullable(variable);
    }

    /** True when the path names exactly one node (AWS calls this a Reference Path when it also has no filters). */
    public boolean isDefinite() {
        return definite;
    }

    /** Thrown when text is not a JSONPath this engine understands. */
    public static final class InvalidPathException extends IllegalArgumentException {
        InvalidPathException(String message) {
            super(message);
        }
    }

    /** Thrown when a definite path does not exist in the document. */
    static final class PathNotFoundException extends RuntimeException {
        PathNotFoundException(String message) {
            super(message, null, false, false);
        }
    }

    public static JsonPath parse(String text) {
        if (text == null || !text.startsWith("$")) {
            throw new InvalidPathException("'" + text + "' is not a JSONPath: it must start with '$'");
        }
        return new JsonPathParser(text).parsePath();
    }

    /**
     * Evaluates against the documents. A definite path returns the value or throws PathNotFoundException; an
     * indefinite path returns an array of the matches (possibly empty).
     */
    JsonNode read(JsonNode input, JsonNode context, Map<String, JsonNode> variables) {
        JsonNode start = switch (root) {
            case INPUT -> input;
            case CONTEXT -> context;
            case VARIABLE -> {
                JsonNode v = variables == null ? null : variables.get(variable);
                if (v == null) {
                    throw new PathNotFoundException("The variable '$" + variable + "' is not defined");
                }
                yield v;
            }
        };
        if (isDefinite()) {
            JsonNode cur = start;
            for (Step s : steps) {
                JsonNode next = null;
                if (s instanceof Name n && cur != null && cur.isObject()) {
                    next = cur.get(n.name());
                } else if (s instanceof Index i && cur != null && cur.isArray()) {
                    int idx = i.index() < 0 ? cur.size() + i.index() : i.index();
                    next = idx >= 0 && idx < cur.size() ? cur.get(idx) : null;
                }
                if (next == null) {
                    throw new PathNotFoundException("The JSONPath '" + text + "' could not be found");
                }
                cur = next;
            }
            return cur;
        }
        List<JsonNode> current = new ArrayList<>();
        current.add(start);
        for (Step s : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                apply(s, node, next);
            }
            current = next;
        }
        ArrayNode out = NF.arrayNode();
        current.forEach(out::add);
        return out;
    }

    private static void apply(Step s, JsonNode node, List<JsonNode> out) {
        switch (s) {
            case Name n -> {
                if (node.isObject() && node.has(n.name())) {
                    out.add(node.get(n.name()));
                }
            }
            case Index i -> {
                if (node.isArray()) {
                    int idx = i.index() < 0 ? node.size() + i.index() : i.index();
                    if (idx >= 0 && idx < node.size()) {
                        out.add(node.get(idx));
                    }
                }
            }
            case Wildcard w -> {
                if (node.isArray() || node.isObject()) {
                    node.elements().forEachRemaining(out::add);
                }
            }
            case Slice sl -> {
                if (node.isArray()) {
                    int n = node.size();
                    int start = sl.start() == null ? 0 : norm(sl.start(), n);
                    int end = sl.end() == null ? n : norm(sl.end(), n);
                    for (int k = start; k < end; k += sl.step()) {
                        out.add(node.get(k));
                    }
                }
            }
            case Union u -> {
                if (node.isArray()) {
                    for (int idx : u.indices()) {
                        int k = idx < 0 ? node.size() + idx : idx;
                        if (k >= 0 && k < node.size()) {
                            out.add(node.get(k));
                        }
                    }
                } else if (node.isObject()) {
                    for (String name : u.names()) {
                        if (node.has(name)) {
                            out.add(node.get(name));
                        }
                    }
                }
            }
            case DeepScan d -> deepScan(d.inner(), node, out);
            case Filter f -> {
                if (node.isArray()) {
                    for (JsonNode e : node) {
                        if (f.expr().test(e)) {
                            out.add(e);
                        }
                    }
                } else if (node.isObject() && f.expr().test(node)) {
                    out.add(node);
                }
            }
        }
    }

    private static void deepScan(Step inner, JsonNode node, List<JsonNode> out) {
        apply(inner, node, out);
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                deepScan(inner, child, out);
            }
        }
    }

    private static int norm(int i, int n) {
        int k = i < 0 ? n + i : i;
        return Math.max(0, Math.min(n, k));
    }

    /**
     * Places value at this Reference Path inside a copy of target (ResultPath semantics): missing objects along the
     * way are created; a step through a non-object, or an index out of range, is a ResultPathMatchFailure.
     */
    JsonNode set(JsonNode target, JsonNode value) {
        if (root != Root.INPUT || !isDefinite()) {
            throw new IllegalStateException("ResultPath must be a reference path: " + text);
        }
        if (steps.isEmpty()) {
            return value;
        }
        JsonNode copy = target.deepCopy();
        JsonNode cur = copy;
        for (int k = 0; k < steps.size(); k++) {
            Step s = steps.get(k);
            boolean last = k == steps.size() - 1;
            if (s instanceof Name n) {
                if (!(cur instanceof ObjectNode obj)) {
                    throw new StatesError(Errors.RESULT_PATH_MATCH_FAILURE, "Unable to apply step \"" + n.name()
                            + "\" to input " + target);
                }
                if (last) {
                    obj.set(n.name(), value);
                } else {
                    JsonNode next = obj.get(n.name());
                    if (next == null || next.isNull()) {
                        Step following = steps.get(k + 1);
                        next = following instanceof Index ? NF.arrayNode() : NF.objectNode();
                        obj.set(n.name(), next);
                    }
                    cur = next;
                }
            } else {
                Index i = (Index) s;
                if (!(cur instanceof ArrayNode arr)) {
                    throw new StatesError(Errors.RESULT_PATH_MATCH_FAILURE, "Unable to apply step \"[" + i.index()
                            + "]\" to input " + target);
                }
                int idx = i.index() < 0 ? arr.size() + i.index() : i.index();
                if (idx < 0 || idx >= arr.size()) {
                    throw new StatesError(Errors.RESULT_PATH_MATCH_FAILURE, "Index " + i.index()
                            + " is out of range in input " + target);
                }
                if (last) {
                    arr.set(idx, value);
                } else {
                    cur = arr.get(idx);
                }
            }
        }
        return copy;
    }

    @Override
    public String toString() {
        return text;
    }

    /** A filter predicate, {@code ?( ... )}. */
    interface FilterExpr {
        boolean test(JsonNode current);
    }

    static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

}
