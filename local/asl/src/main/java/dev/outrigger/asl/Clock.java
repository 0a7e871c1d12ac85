package dev.outrigger.asl;

import java.time.Duration;
import java.time.Instant;

/**
 * The time one thread of an execution sees. Virtual by default: waiting moves it forward at once, and each Parallel
 * branch and Map iteration gets a fork, so their virtual times overlap as they would on AWS. In real-time mode it is
 * the wall clock and waiting sleeps. A virtual clock never moves past the horizon (the end of the caller's watch,
 * {@link ExecutionOptions#horizon()}): waiting across it stops the run there with {@link HorizonPassed}.
 */
final class Clock {
    private final boolean realTime;
    private final Instant horizon;
    private Instant now;

    /** @param horizon the instant the caller stops watching, or null */
    Clock(Instant start, boolean realTime, Instant horizon) {
        this.now = start;
        this.realTime = realTime;
        this.horizon = horizon;
    }

    /** Thrown when the execution's time passes the horizon; no Catch sees it, the run just stops. */
    static final class HorizonPassed extends RuntimeException {
        HorizonPassed() {
            super("the horizon passed", null, false, false);
        }
    }

    /** A clock for a branch or iteration that starts at the given time. */
    Clock fork(Instant start) {
        return new Clock(start, realTime, horizon);
    }

    Instant now() {
        return realTime ? Instant.now() : now;
    }

    /** True once the time is past the horizon. */
    boolean pastHorizon() {
        return horizon != null && now().isAfter(horizon);
    }

    void advance(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        if (realTime) {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StatesError(Errors.RUNTIME, "interrupted while waiting");
            }
        } else if (horizon != null && now.plus(d).isAfter(horizon)) {
            now = horizon;
            throw new HorizonPassed();
        } else {
            now = now.plus(d);
        }
    }

    void set(Instant t) {
        if (!realTime) {
            now = t;
        }
    }
}
