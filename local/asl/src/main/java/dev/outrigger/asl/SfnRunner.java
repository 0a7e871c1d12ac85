package dev.outrigger.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facade behind {@code outrigger sfn run|validate|graph}: substitutions, loading, mocks and the result JSON.
 * Definition and usage errors are thrown ({@link AslDefinitionException}, {@link IllegalArgumentException}); map
 * them with {@link #exitCode(Throwable)}. A finished execution maps with {@link #exitCode(ExecutionResult)}.
 */
public final class SfnRunner {
    public static final int EXIT_SUCCEEDED = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final Optional<LambdaInvoker> lambdas;
    private final ExecutionOptions baseOptions;

    /** No in-process Lambdas: every Task must be mocked. */
    public SfnRunner() {
        this(Optional.empty(), null);
    }

    /**
     * @param lambdas     the project's functions, run in process for Lambda resources
     * @param baseOptions execution options (null = {@link ExecutionOptions#defaults}); the state machine name is
     *                    always replaced by the one derived from the source name
     */
    public SfnRunner(Optional<LambdaInvoker> lambdas, ExecutionOptions baseOptions) {
        this.lambdas = lambdas;
        this.baseOptions = baseOptions;
    }

    /** What {@code run} returns: the engine's result and the CLI's JSON object for it. */
    public record Run(ExecutionResult result, AslDefinition definition) {
        public ObjectNode json(boolean withHistory) {
            return result.toJson(withHistory);
        }

        public int exitCode() {
            return SfnRunner.exitCode(result);
        }
    }

    public static int exitCode(ExecutionResult result) {
        return result.status() == ExecutionStatus.SUCCEEDED ? EXIT_SUCCEEDED : EXIT_FAILED;
    }

    /**
     * 2 for a definition or usage error (bad definition, substitution, input, mock file, test case: an
     * {@link AslDefinitionException} or {@link IllegalArgumentException}); 1 for anything else.
     */
    public static int exitCode(Throwable error) {
        return error instanceof AslDefinitionException || error instanceof IllegalArgumentException
                || error instanceof java.io.UncheckedIOException ? EXIT_USAGE : EXIT_FAILED;
    }

    /** {@code outrigger sfn validate}: substitutes and validates; throws AslDefinitionException (exit 2). */
    public AslDefinition validate(String definitionJson, String sourceName, Map<String, String> substitutions) {
        return load(definitionJson, sourceName, substitutions);
    }

    /** Replaces each {@code ${Key}}; a placeholder without a key is an error naming it (like SAM/CloudFormation). */
    public static String substitute(String definition, Map<String, String> substitutions, String sourceName) {
        Matcher m = PLACEHOLDER.matcher(definition);
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String key = m.group(1);
            String value = substitutions.get(key);
            if (value == null) {
                missing.add("${" + key + "}");
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
            } else {
                // The value lands inside a JSON string: escape it like one.
                String escaped = MAPPER.getNodeFactory().textNode(value).toString();
                m.appendReplacement(out, Matcher.quoteReplacement(escaped.substring(1, escaped.length() - 1)));
            }
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new AslDefinitionException(sourceName + ": DefinitionSubstitutions has no key for "
                    + String.join(", ", missing));
        }
        return out.toString();
    }

    /** Substitutes and validates. */
    public AslDefinition load(String definitionJson, String sourceName, Map<String, String> substitutions) {
        return AslDefinition.parse(substitute(definitionJson, substitutions, sourceName), sourceName);
    }

    /** Parses --input: inline JSON, or @file. */
    public static JsonNode parseInput(String inputArg) {
        String text = inputArg;
        String where = "--input";
        if (inputArg.startsWith("@")) {
            Path p = Path.of(inputArg.substring(1));
            where = p.toString();
            try {
                text = Files.readString(p);
            } catch (IOException e) {
                throw new IllegalArgumentException(where + ": cannot read the input file: " + e.getMessage(), e);
            }
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": the input is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** "statemachines/deploy.asl.json" → "deploy". */
    public static String stateMachineName(String sourceName) {
        String file = Path.of(sourceName).getFileName().toString();
        for (String suffix : List.of(".asl.json", ".asl.yaml", ".json")) {
            if (file.endsWith(suffix)) {
                return file.substring(0, file.length() - suffix.length());
            }
        }
        return file;
    }

    public Run run(String definitionJson, String sourceName, JsonNode input, Map<String, String> substitutions,
                   Optional<Path> mockFile, Optional<String> testCase) {
        AslDefinition def = load(definitionJson, sourceName, substitutions);
        String smName = stateMachineName(sourceName);
        Optional<MockConfigTaskInvoker> mocks = Optional.empty();
        if (mockFile.isPresent() != testCase.isPresent()) {
            throw new IllegalArgumentException("--mocks and --test-case go together");
        }
        if (mockFile.isPresent()) {
            JsonNode config;
            try {
                config = MAPPER.readTree(Files.readString(mockFile.get()));
            } catch (IOException e) {
                throw new IllegalArgumentException(mockFile.get() + ": cannot read the mock file: " + e.getMessage(), e);
            }
            List<String> candidates = MockConfigTaskInvoker.stateMachinesWithTestCase(config, testCase.get());
            String entry;
            if (candidates.contains(smName)) {
                entry = smName;
            } else if (candidates.size() == 1) {
                entry = candidates.getFirst();
            } else if (candidates.isEmpty()) {
                throw new IllegalArgumentException(mockFile.get() + ": no state machine has a test case \""
                        + testCase.get() + "\"");
            } else {
                throw new IllegalArgumentException(mockFile.get() + ": test case \"" + testCase.get()
                        + "\" exists under several state machines " + candidates + " and none is named \"" + smName + "\"");
            }
            mocks = Optional.of(MockConfigTaskInvoker.of(config, mockFile.get().toString(), entry, testCase.get()));
        }
        ExecutionOptions opts = baseOptions == null ? ExecutionOptions.defaults(smName)
                : baseOptions.withStateMachineName(smName);
        AslEngine engine = new AslEngine(new CompositeTaskInvoker(lambdas, mocks), opts);
        return new Run(engine.execute(def, input), def);
    }
}
