package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.Function;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * Retry and Catch around Task, Parallel and Map: the first Retrier whose ErrorEquals matches the error retries the
 * whole state until its MaxAttempts are spent; then the first matching Catcher sends the error output on to its
 * Next; otherwise the state fails with the error.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
final class RetryCatch {
    private RetryCatch() {
    }

    /** One Retry entry, defaults applied (IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0, JitterStrategy NONE). */
    record Retrier(List<String> errorEquals, double intervalSeconds, int maxAttempts, double backoffRate,
                   OptionalDouble maxDelaySeconds, boolean fullJitter) {
        static final double DEFAULT_INTERVAL_SECONDS = 1.0;
        static final int DEFAULT_MAX_ATTEMPTS = 3;
        static final double DEFAULT_BACKOFF_RATE = 2.0;

        /** The wait before the next attempt, after retriesSoFar retries by this Retrier. */
        Duration delay(int retriesSoFar, Random random) {
            double seconds = intervalSeconds * Math.pow(backoffRate, retriesSoFar);
            if (maxDelaySeconds.isPresent()) {
                seconds = Math.min(seconds, maxDelaySeconds.getAsDouble());
            }
            if (fullJitter) {
                seconds = random.nextDouble() * seconds;
            }
            return Duration.ofMillis(Math.round(seconds * 1000));
        }
    }

    /** One Catch entry; ResultPath places the error output ({"Error", "Cause"}) in the state's input. */
    record Catcher(List<String> errorEquals, String next, Paths.DataPath resultPath,
                   PayloadTemplate.Assignments assign) {
    }

    /** One attempt at the state's work; returns its result, before ResultSelector. */
    interface Attempt {
        JsonNode run(Documents docs, int attempt);
    }

    /** Runs the attempts of one state entry; every retry is recorded in the entry. */
    static Execution.Outcome run(Execution execution, State.Retryable state, JsonNode rawInput, Clock clock,
                                 Execution.Scope scope, Execution.Entry entry, Attempt work) {
        int[] retriesBy = new int[state.retry().size()];
        int attempt = 0;
        Instant entered = clock.now();
        while (true) {
            Documents docs = execution.documents(state, rawInput, entered, attempt, scope);
            try {
                return execution.complete(state, work.run(docs, attempt), docs, scope);
            } catch (StatesError e) {
                int r = firstMatch(state.retry(), Retrier::errorEquals, e.error);
                if (r >= 0 && retriesBy[r] < state.retry().get(r).maxAttempts()) {
                    Duration delay = state.retry().get(r).delay(retriesBy[r], execution.random());
                    retriesBy[r]++;
                    attempt++;
                    clock.advance(delay);
                    entry.retries.add(new HistoryEvent.Retry(attempt, e.error, e.errorCause, delay, clock.now()));
                    execution.checkDeadline(clock);
                    continue;
                }
                int c = firstMatch(state.catchers(), Catcher::errorEquals, e.error);
                if (c < 0) {
                    throw e;
                }
                Catcher catcher = state.catchers().get(c);
                ObjectNode errorOutput = NF.objectNode();
                errorOutput.put("Error", e.error);
                if (e.errorCause != null) {
                    errorOutput.put("Cause", e.errorCause);
                }
                Map<String, JsonNode> assigned = catcher.assign().evaluate(docs.withInput(errorOutput));
                JsonNode out = Paths.place(state.name(), catcher.resultPath(), rawInput, errorOutput);
                scope.commit(assigned);
                return new Execution.Outcome(out, catcher.next(), e);
            }
        }
    }

    private static <T> int firstMatch(List<T> entries, Function<T, List<String>> errorEquals, String error) {
        for (int i = 0; i < entries.size(); i++) {
            if (Errors.matches(errorEquals.apply(entries.get(i)), error)) {
                return i;
            }
        }
        return -1;
    }
}
