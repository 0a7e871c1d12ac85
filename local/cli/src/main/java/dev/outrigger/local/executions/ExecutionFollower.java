package dev.outrigger.local.executions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Follows an execution in Step Functions: every poll asks DescribeExecution first and GetExecutionHistory second
 * (so the history read after an ended status is complete), prints the new state events, and stops at the verdict or
 * when --timeout has passed. It never stops the execution: a deploy aborted mid-way skips its own rollback, so the
 * verdict says how to stop it instead.
 */
public final class ExecutionFollower {
    /** Time and waiting, injectable so a test decides when --timeout passes. */
    public interface Pacer {
        Instant now();

        void sleep(Duration d) throws InterruptedException;

        static Pacer system() {
            return new Pacer() {
                @Override
                public Instant now() {
                    return Instant.now();
                }

                @Override
                public void sleep(Duration d) throws InterruptedException {
                    Thread.sleep(d.toMillis());
                }
            };
        }
    }

    private final ExecutionApi api;
    private final Pacer pacer;
    private final Duration pollInterval;

    public ExecutionFollower(ExecutionApi api, Pacer pacer, Duration pollInterval) {
        this.api = api;
        this.pacer = pacer;
        this.pollInterval = pollInterval;
    }

    /** Follows until the execution ends or timeout passes; returns {@link ExecutionProgress}'s exit code. */
    public int follow(String executionArn, Duration timeout, ExecutionProgress progress) throws InterruptedException {
        Instant deadline = pacer.now().plus(timeout);
        long lastEventId = 0;
        boolean first = true;
        while (true) {
            ExecutionState state = api.describe(executionArn);
            if (first) {
                progress.started(executionArn, state.startedAt());
                first = false;
            }
            List<ExecutionEvent> events = api.stateEventsAfter(executionArn, lastEventId);
            for (ExecutionEvent e : events) {
                progress.event(e);
                lastEventId = e.id();
            }
            if (!state.running()) {
                return progress.ended(state, state.stoppedAt());
            }
            if (!pacer.now().isBefore(deadline)) {
                return progress.stillRunning(timeout, List.of(
                        "the execution goes on (it was not stopped): " + executionArn,
                        "to stop it: aws stepfunctions stop-execution --execution-arn " + executionArn));
            }
            pacer.sleep(pollInterval);
        }
    }
}
