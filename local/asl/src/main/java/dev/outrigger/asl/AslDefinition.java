package dev.outrigger.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * A state machine definition that passed the same checks AWS makes at CreateStateMachine, restricted to what this
 * engine runs correctly (the JSONPath query language, inline Map), parsed into {@link State} records. Anything else
 * is refused at load with an {@link AslDefinitionException} naming the source, the state and the field.
 * https://states-language.net/spec.html and https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 */
public final class AslDefinition {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private final String sourceName;
    private final Machine machine;
    private final Map<String, State> allStates;
    private final Optional<Integer> timeoutSeconds;

    /** A state machine or a nested one (a Parallel branch, a Map item processor); states in definition order. */
    public record Machine(String startAt, Map<String, State> states) {
    }

    private AslDefinition(String sourceName, Machine machine, Map<String, State> allStates,
                          Optional<Integer> timeoutSeconds) {
        this.sourceName = sourceName;
        this.machine = machine;
        this.allStates = allStates;
        this.timeoutSeconds = timeoutSeconds;
    }

    public String sourceName() {
        return sourceName;
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
        return timeoutSeconds;
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
        DefinitionReader reader = new DefinitionReader(sourceName);
        Machine m = reader.top(obj);
        return new AslDefinition(sourceName, m, reader.allStates(), reader.timeoutSeconds(obj));
    }

    /** AWS's timestamp rule: RFC 3339 with an uppercase T and an offset (Z or +hh:mm). */
    static boolean isTimestamp(String s) {
        try {
            OffsetDateTime.parse(s);
            return s.contains("T") && !s.contains("t");
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
