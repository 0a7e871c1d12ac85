package dev.outrigger.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.asl.ExecutionOptions;
import dev.outrigger.asl.SfnRunner;
import dev.outrigger.core.Json;
import dev.outrigger.local.runtime.TemplateLambdaInvoker;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code outrigger sfn run}: one execution on the in-JVM engine. Stdout carries exactly one JSON object
 * ({@code status, output, error, cause}, plus {@code history}); logs, function output included, go to stderr.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a state machine definition once and print {\"status\",\"output\",\"error\",\"cause\"} as JSON.",
                "Lambda tasks run the template's functions in process; every other integration comes from --mocks.",
                "Exit code: 0 SUCCEEDED, 1 FAILED or TIMED_OUT, 2 definition or usage error."})
final class SfnRunCommand implements Callable<Integer> {
    @Mixin
    SfnProject.DefinitionFile definitionFile;

    @Option(names = {"-i", "--input"}, defaultValue = "{}", description = "execution input: inline JSON or @file (default: {})")
    String input;

    @Option(names = "--history", description = "add the state-by-state history")
    boolean history;

    @Option(names = "--seed", description = "seed for States.UUID, States.MathRandom and retry jitter (default: 42)")
    Long seed;

    @Mixin
    SfnProject.RunOptions runOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return SfnProject.guarded(err, "sfn run", () -> {
            JsonNode in = SfnRunner.parseInput(input);
            SfnRunner.Run run = execute(SfnProject.load(definitionFile.definition, runOptions.template), in, runOptions.mocks,
                    SfnProject.executionOptions(seed), err);
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(run.json(history)));
            out.flush();
            return run.exitCode();
        });
    }

    /**
     * Substitutes and runs the project's definition; shared with {@code sfn graph} and {@code deploy|cutover start}.
     * Throws usage errors (exit 2).
     */
    static SfnRunner.Run execute(SfnProject project, JsonNode in, SfnProject.MockOptions mockOptions,
                                 ExecutionOptions options, PrintWriter err) {
        err.println("outrigger sfn: " + project.describe());
        err.flush();
        // Handlers may print to System.out; stdout is reserved for the result JSON, so their output goes to stderr.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        Optional<TemplateLambdaInvoker> lambdas = project.lambdas(mockOptions.envFile, System.err);
        try {
            return SfnProject.runner(lambdas, options).run(project.definitionText, project.sourceName, in,
                    project.substitutions(), Optional.ofNullable(mockOptions.mocks), Optional.ofNullable(mockOptions.testCase));
        } finally {
            System.setOut(stdout);
            lambdas.ifPresent(TemplateLambdaInvoker::close);
        }
    }
}
