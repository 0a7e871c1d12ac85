package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers Task states from a Step Functions Local MockConfigFile, so existing mock files work unchanged:
 * {@code StateMachines → <name> → TestCases → <case> → {state: mockedResponseName}} and
 * {@code MockedResponses → <name> → {"0": {"Return": …}, "1-2": {"Throw": {"Error", "Cause"}}}}.
 * The range keys count the state's invocations in one execution (retries included), from 0.
 * https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
 */
public final class MockConfigTaskInvoker implements TaskInvoker {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Range(int from, int to, JsonNode response) {
    }

    private final String source;
    private final String stateMachine;
    private final String testCase;
    private final Map<String, String> stateToResponse;
    private final Map<String, List<Range>> responses;

    private MockConfigTaskInvoker(String source, String stateMachine, String testCase,
                                  Map<String, String> stateToResponse, Map<String, List<Range>> responses) {
        this.source = source;
        this.stateMachine = stateMachine;
        this.testCase = testCase;
        this.stateToResponse = stateToResponse;
        this.responses = responses;
    }

    public static MockConfigTaskInvoker fromFile(Path file, String stateMachineName, String testCase) {
        try {
            return of(MAPPER.readTree(Files.readString(file)), file.getFileName().toString(), stateMachineName, testCase);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the mock file: " + e.getMessage(), e);
        }
    }

    /** The state machine names in a mock file that define the test case, in file order. */
    public static List<String> stateMachinesWithTestCase(JsonNode config, String testCase) {
        List<String> out = new ArrayList<>();
        JsonNode sms = config.path("StateMachines");
        for (Iterator<String> it = sms.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (sms.get(name).path("TestCases").has(testCase)) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * Validates the whole file for the chosen state machine and test case. Every problem is an
     * IllegalArgumentException naming the file and the entry.
     */
    public static MockConfigTaskInvoker of(JsonNode config, String source, String stateMachineName, String testCase) {
        if (!(config instanceof ObjectNode)) {
            throw new IllegalArgumentException(source + ": a mock file must be a JSON object");
        }
        JsonNode sm = config.path("StateMachines").get(stateMachineName);
        if (sm == null) {
            throw new IllegalArgumentException(source + ": StateMachines has no entry \"" + stateMachineName + "\"");
        }
        JsonNode tc = sm.path("TestCases").get(testCase);
        if (tc == null || !tc.isObject()) {
            throw new IllegalArgumentException(source + ": StateMachines." + stateMachineName + ".TestCases has no test case \""
                    + testCase + "\"");
        }
        Map<String, String> stateToResponse = new LinkedHashMap<>();
        Map<String, List<Range>> responses = new LinkedHashMap<>();
        JsonNode mocked = config.path("MockedResponses");
        for (Iterator<Map.Entry<String, JsonNode>> it = tc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException(source + ": TestCases." + testCase + "." + e.getKey()
                        + " must name a MockedResponses entry");
            }
            String name = e.getValue().textValue();
            JsonNode r = mocked.get(name);
            if (r == null || !r.isObject()) {
                throw new IllegalArgumentException(source + ": TestCases." + testCase + "." + e.getKey()
                        + " names MockedResponses \"" + name + "\", which does not exist");
            }
            stateToResponse.put(e.getKey(), name);
            responses.computeIfAbsent(name, n -> ranges(source, n, r));
        }
        return new MockConfigTaskInvoker(source, stateMachineName, testCase, stateToResponse, responses);
    }

    private static List<Range> ranges(String source, String name, JsonNode r) {
        List<Range> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String where = source + ": MockedResponses." + name + "." + key;
            int from;
            int to;
            try {
                int dash = key.indexOf('-');
                from = Integer.parseInt(dash < 0 ? key : key.substring(0, dash));
                to = dash < 0 ? from : Integer.parseInt(key.substring(dash + 1));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(where + ": the key must be an invocation index such as \"0\" or a "
                        + "range such as \"1-2\"");
            }
            if (from < 0 || to < from) {
                throw new IllegalArgumentException(where + ": the range is empty or negative");
            }
            JsonNode v = e.getValue();
            if (!v.isObject() || v.has("Return") == v.has("Throw")) {
                throw new IllegalArgumentException(where + ": needs exactly one of Return and Throw");
            }
            if (v.has("Throw") && !(v.get("Throw").path("Error").isTextual())) {
                throw new IllegalArgumentException(where + ".Throw.Error must be a string");
            }
            for (Range other : out) {
                if (from <= other.to() && other.from() <= to) {
                    throw new IllegalArgumentException(where + ": overlaps another range of the same response");
                }
            }
            out.add(new Range(from, to, v));
        }
        return out;
    }

    public String stateMachine() {
        return stateMachine;
    }

    public String testCase() {
        return testCase;
    }

    /** Whether the test case mocks this state. */
    public boolean mocks(String stateName) {
        return stateToResponse.containsKey(stateName);
    }

    @Override
    public JsonNode invoke(TaskRequest request) throws TaskFailure {
        String name = stateToResponse.get(request.stateName());
        if (name == null) {
            throw new StatesError(Errors.RUNTIME, "state \"" + request.stateName() + "\": resource "
                    + request.resource() + " is not mocked: test case \"" + testCase + "\" in " + source
                    + " has no entry for this state");
        }
        int i = request.invocationIndex();
        for (Range r : responses.get(name)) {
            if (i >= r.from() && i <= r.to()) {
                JsonNode v = r.response();
                if (v.has("Return")) {
                    return v.get("Return").deepCopy();
                }
                JsonNode t = v.get("Throw");
                throw new TaskFailure(t.get("Error").textValue(), t.path("Cause").isMissingNode() ? ""
                        : t.get("Cause").asText());
            }
        }
        throw new StatesError(Errors.RUNTIME, "state \"" + request.stateName() + "\": MockedResponses \"" + name
                + "\" in " + source + " has no response for invocation " + i + " (invocations count from 0)");
    }
}
