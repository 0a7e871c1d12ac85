package dev.outrigger.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.asl.AslDefinition;
import dev.outrigger.asl.AslGraph;
import dev.outrigger.asl.ExecutionResult;
import dev.outrigger.asl.ExecutionStatus;
import dev.outrigger.asl.HistoryEvent;
import dev.outrigger.asl.SfnRunner;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code outrigger sfn graph}: Mermaid or DOT. The path of an execution is highlighted, either from the JSON a
 * {@code sfn run --history} printed ({@code --history-from}) or from a run made here ({@code --input/--mocks/--test-case}).
 */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = {"Draw a state machine as Mermaid (default) or Graphviz DOT.",
                "With --history-from (the output of `sfn run --history`) or --input/--mocks/--test-case (runs it here),",
                "the states visited are green, the failing state red and the transitions taken bold."})
final class SfnGraphCommand implements Callable<Integer> {
    enum Format { mermaid, dot }

    @Mixin
    SfnProject.DefinitionFile definitionFile;

    @Option(names = "--format", defaultValue = "mermaid", description = "mermaid or dot (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--history-from", description = "JSON printed by `outrigger sfn run --history`")
    Path historyFrom;

    @Option(names = {"-i", "--input"}, description = "run the machine with this input (inline JSON or @file) and highlight its path")
    String input;

    @Mixin
    SfnProject.RunOptions runOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return SfnProject.guarded(err, "sfn graph", () -> {
            Path definition = definitionFile.definition;
            SfnProject.MockOptions mockOptions = runOptions.mocks;
            boolean runHere = input != null || mockOptions.given();
            if (historyFrom != null && runHere) {
                throw new IllegalArgumentException("--history-from and --input/--mocks/--test-case are alternatives: give one");
            }
            AslDefinition def;
            Optional<ExecutionResult> result = Optional.empty();
            if (runHere) {
                JsonNode in = SfnRunner.parseInput(input == null ? "{}" : input);
                var run = SfnRunCommand.execute(SfnProject.load(definition, runOptions.template), in, mockOptions,
                        SfnProject.executionOptions(null), err);
                def = run.definition();
                result = Optional.of(run.result());
                err.println("outrigger sfn graph: the run ended " + run.result().status()
                        + (run.result().error() == null ? "" : " with " + run.result().error()));
            } else {
                def = SfnProject.load(definition, runOptions.template).validate();
                if (historyFrom != null) {
                    result = Optional.of(readResult(historyFrom, def));
                }
            }
            out.print(format == Format.dot ? AslGraph.dot(def, result) : AslGraph.mermaid(def, result));
            out.flush();
            return OutriggerCli.OK;
        });
    }

    /** Rebuilds the result from `sfn run --history` output; states it names must exist in the definition. */
    static ExecutionResult readResult(Path file, AslDefinition def) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("--history-from " + file + ": cannot read it as JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !root.path("history").isArray()) {
            throw new IllegalArgumentException("--history-from " + file + ": no \"history\" array (write it with"
                    + " `outrigger sfn run … --history`)");
        }
        ExecutionStatus status;
        try {
            status = ExecutionStatus.valueOf(root.path("status").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--history-from " + file + ": \"status\" must be SUCCEEDED, FAILED or TIMED_OUT");
        }
        List<HistoryEvent> events = new ArrayList<>();
        int i = 0;
        for (JsonNode e : root.get("history")) {
            String state = e.path("state").asText(null);
            if (state == null || !def.allStates().containsKey(state)) {
                throw new IllegalArgumentException("--history-from " + file + ": history[" + i + "] names state \""
                        + state + "\", which " + def.sourceName() + " does not have (a run of another definition?)");
            }
            events.add(new HistoryEvent(state, e.path("type").asText(""), e.path("scope").asText(""),
                    instant(e.get("entered")), instant(e.get("exited")), e.get("input"), e.get("output"),
                    e.path("error").asText(null), e.path("cause").asText(null), e.path("next").asText(null), List.of()));
            i++;
        }
        return new ExecutionResult(status, root.get("output"), root.path("error").asText(null),
                root.path("cause").asText(null), events);
    }

    private static Instant instant(JsonNode n) {
        try {
            return n == null || !n.isTextual() ? null : Instant.parse(n.textValue());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
