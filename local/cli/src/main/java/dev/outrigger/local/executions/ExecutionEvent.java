package dev.outrigger.local.executions;

import java.time.Instant;

/**
 * One state entered or left, from Step Functions' execution history or from the in-JVM engine's.
 *
 * @see <a href="https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html">HistoryEvent</a>
 */
public sealed interface ExecutionEvent {
    /** The history event id: increasing within one execution. */
    long id();

    String state();

    Instant at();

    /** A {@code *StateEntered} history event. */
    record Entered(long id, String state, Instant at) implements ExecutionEvent {
    }

    /** A {@code *StateExited} history event: the state completed (a state that fails has none). */
    record Exited(long id, String state, Instant at) implements ExecutionEvent {
    }
}
