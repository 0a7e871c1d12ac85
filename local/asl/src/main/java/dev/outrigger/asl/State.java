package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One state of a validated definition, with every field parsed once at load: paths are {@link JsonPath}s,
 * templates are {@link PayloadTemplate}s, Choice rules are {@link ChoiceRule}s, Parallel branches and the Map item
 * processor are {@link AslDefinition.Machine}s. The engine runs these records; it never reads the definition's JSON.
 * A {@code next} that is empty means {@code "End": true}.
 * https://docs.aws.amazon.com/step-functions/latest/dg/workflow-states.html
 */
public sealed interface State {
    String name();

    /** The ASL {@code Type}. */
    default String type() {
        return switch (this) {
            case Pass p -> "Pass";
            case Task t -> "Task";
            case Choice c -> "Choice";
            case Wait w -> "Wait";
            case Succeed s -> "Succeed";
            case Fail f -> "Fail";
            case Parallel p -> "Parallel";
            case Map m -> "Map";
        };
    }

    /** A transition this state can take, labelled as a graph shows it ("" for Next). */
    record Transition(String target, String label) {
    }

    /** Next, then each Choice rule's Next, Default, then each Catcher's Next. */
    default List<Transition> transitions() {
        List<Transition> out = new ArrayList<>();
        switch (this) {
            case Pass p -> p.next().ifPresent(n -> out.add(new Transition(n, "")));
            case Wait w -> w.next().ifPresent(n -> out.add(new Transition(n, "")));
            case Retryable r -> r.next().ifPresent(n -> out.add(new Transition(n, "")));
            case Choice c -> {
                for (int i = 0; i < c.choices().size(); i++) {
                    out.add(new Transition(c.choices().get(i).next(), "rule " + i));
                }
                c.defaultNext().ifPresent(d -> out.add(new Transition(d, "default")));
            }
            case Succeed s -> {
            }
            case Fail f -> {
            }
        }
        if (this instanceof Retryable r) {
            for (RetryCatch.Catcher c : r.catchers()) {
                out.add(new Transition(c.next(), "catch " + String.join(",", c.errorEquals())));
            }
        }
        return out;
    }

    /** Whether the execution (or branch, or iteration) ends after this state: End, Succeed or Fail. */
    default boolean terminal() {
        return switch (this) {
            case Pass p -> p.next().isEmpty();
            case Wait w -> w.next().isEmpty();
            case Retryable r -> r.next().isEmpty();
            case Choice c -> false;
            case Succeed s -> true;
            case Fail f -> true;
        };
    }

    /**
     * Task, Parallel and Map: they produce a result that ResultSelector, Assign, ResultPath and OutputPath shape, and
     * they have Retry and Catch.
     */
    sealed interface Retryable extends State {
        Paths.DataPath inputPath();

        Optional<PayloadTemplate> resultSelector();

        Paths.DataPath resultPath();

        Paths.DataPath outputPath();

        List<RetryCatch.Retrier> retry();

        List<RetryCatch.Catcher> catchers();

        PayloadTemplate.Assignments assign();

        Optional<String> next();
    }

    /** Result (a literal) or Parameters, else the effective input, is the result. */
    record Pass(String name, Paths.DataPath inputPath, Optional<JsonNode> result, Optional<PayloadTemplate> parameters,
                Paths.DataPath resultPath, Paths.DataPath outputPath, PayloadTemplate.Assignments assign,
                Optional<String> next) implements State {
    }

    /**
     * @param resource  the Resource ARN, suffixes included
     * @param timeout   TimeoutSeconds or TimeoutSecondsPath
     * @param heartbeat HeartbeatSeconds or HeartbeatSecondsPath (checked, not simulated)
     */
    record Task(String name, String resource, Paths.DataPath inputPath, Optional<PayloadTemplate> parameters,
                Optional<Paths.Count> timeout, Optional<Paths.Count> heartbeat,
                Optional<PayloadTemplate> resultSelector, Paths.DataPath resultPath, Paths.DataPath outputPath,
                List<RetryCatch.Retrier> retry, List<RetryCatch.Catcher> catchers, PayloadTemplate.Assignments assign,
                Optional<String> next) implements Retryable {
    }

    record Choice(String name, Paths.DataPath inputPath, List<Branch> choices, Optional<String> defaultNext,
                  Paths.DataPath outputPath, PayloadTemplate.Assignments assign) implements State {
        /** A top-level Choice rule: its condition, where it leads, and what it assigns when it matches. */
        public record Branch(ChoiceRule rule, String next, PayloadTemplate.Assignments assign) {
        }
    }

    record Wait(String name, Paths.DataPath inputPath, Until until, Paths.DataPath outputPath,
                PayloadTemplate.Assignments assign, Optional<String> next) implements State {
        /** Seconds or SecondsPath, Timestamp, TimestampPath. */
        public sealed interface Until {
        }

        public record Seconds(Paths.Count seconds) implements Until {
        }

        public record Timestamp(Instant at) implements Until {
        }

        public record TimestampPath(JsonPath path) implements Until {
        }
    }

    record Succeed(String name, Paths.DataPath inputPath, Paths.DataPath outputPath) implements State {
    }

    /** Error/ErrorPath and Cause/CausePath; an absent one leaves the execution's error or cause null. */
    record Fail(String name, Optional<Text> error, Optional<Text> cause) implements State {
        /** A literal (Error, Cause) or a value computed at run time (ErrorPath, CausePath). */
        public sealed interface Text {
        }

        public record Literal(String text) implements Text {
        }

        /** @param field "ErrorPath" or "CausePath", for messages */
        public record Computed(String field, PayloadTemplate.Expression expression) implements Text {
        }
    }

    record Parallel(String name, Paths.DataPath inputPath, Optional<PayloadTemplate> parameters,
                    List<AslDefinition.Machine> branches, Optional<PayloadTemplate> resultSelector,
                    Paths.DataPath resultPath, Paths.DataPath outputPath, List<RetryCatch.Retrier> retry,
                    List<RetryCatch.Catcher> catchers, PayloadTemplate.Assignments assign,
                    Optional<String> next) implements Retryable {
    }

    /**
     * An inline Map.
     *
     * @param itemSelector   ItemSelector, or the legacy Parameters that played its part
     * @param maxConcurrency MaxConcurrency or MaxConcurrencyPath; empty or 0 means no limit
     * @param processor      ItemProcessor, or the legacy Iterator
     */
    record Map(String name, Paths.DataPath inputPath, Optional<JsonPath> itemsPath,
               Optional<PayloadTemplate> itemSelector, Optional<Paths.Count> maxConcurrency,
               AslDefinition.Machine processor, Optional<PayloadTemplate> resultSelector, Paths.DataPath resultPath,
               Paths.DataPath outputPath, List<RetryCatch.Retrier> retry, List<RetryCatch.Catcher> catchers,
               PayloadTemplate.Assignments assign, Optional<String> next) implements Retryable {
    }
}
