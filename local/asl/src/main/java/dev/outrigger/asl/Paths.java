package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * The path fields that move a state's data: InputPath, OutputPath and ResultPath ({@link DataPath}), and the
 * fields that give a whole number literally or by a path read at run time ({@link Count}: TimeoutSeconds(Path),
 * HeartbeatSeconds(Path), Seconds(Path), MaxConcurrency(Path)).
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
final class Paths {
    private Paths() {
    }

    /**
     * InputPath, OutputPath or ResultPath as written: a path (absent is {@code "$"}, as AWS defines it), or
     * {@code null}, which discards: InputPath and OutputPath then give {@code {}}, ResultPath keeps the input.
     */
    sealed interface DataPath {
        DataPath DEFAULT = new Select(JsonPath.parse("$"));
        DataPath DISCARD = new Discard();
    }

    record Discard() implements DataPath {
    }

    record Select(JsonPath path) implements DataPath {
    }

    /** A whole number given literally or read by a path at run time. */
    sealed interface Count {
    }

    record Fixed(long value) implements Count {
    }

    /** @param field the field's name, e.g. "TimeoutSecondsPath", for messages */
    record FromPath(String field, JsonPath path) implements Count {
    }

    /** Applies InputPath or OutputPath (named by field) of a state to docs.input(). */
    static JsonNode filter(String state, String field, DataPath path, Documents docs) {
        return switch (path) {
            case Discard d -> NF.objectNode();
            case Select s -> read(state, field, s.path(), docs);
        };
    }

    /** Combines a state's raw input and its result as ResultPath says. */
    static JsonNode place(String state, DataPath resultPath, JsonNode rawInput, JsonNode result) {
        return switch (resultPath) {
            case Discard d -> rawInput;
            case Select s -> {
                try {
                    yield s.path().set(rawInput, result);
                } catch (StatesError e) {
                    throw new StatesError(e.error, "state \"" + state + "\": ResultPath " + s.path().text() + ": "
                            + e.errorCause);
                }
            }
        };
    }

    /** The count's value; one read by a path must be an integer of at least min, else States.Runtime. */
    static long count(String state, Count count, long min, Documents docs) {
        return switch (count) {
            case Fixed f -> f.value();
            case FromPath p -> {
                JsonNode v = read(state, p.field(), p.path(), docs);
                if (!v.isIntegralNumber() || v.longValue() < min) {
                    throw StatesError.runtime("state \"" + state + "\": " + p.field() + " " + p.path().text()
                            + " must select a " + (min > 0 ? "positive" : "non-negative") + " integer, got " + v);
                }
                yield v.longValue();
            }
        };
    }

    /** Reads a path a state field names; a definite path that finds nothing is States.Runtime. */
    static JsonNode read(String state, String field, JsonPath path, Documents docs) {
        try {
            return path.read(docs.input(), docs.context(), docs.variables());
        } catch (JsonPath.PathNotFoundException e) {
            throw StatesError.runtime("Invalid path '" + path.text() + "' in " + field + " of state \"" + state
                    + "\": the path could not be found in the input " + docs.input());
        }
    }
}
