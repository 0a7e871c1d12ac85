package dev.outrigger.asl;

import java.time.Duration;
import java.time.Instant;

/**
 * The time one thread of an execution sees. Virtual by default: waiting moves it forward at once, and each Parallel
 * branch and Map iteration gets a fork, so their virtual times overlap as they would on AWS. In real-time mode it is
 * the wall clock and waiting sleeps.
 */
final class Clock {
    private final boolean realTime;
    private Instant now;

    Clock(Instant start, boolean realTime) {
        this.now = start;
        this.realTime = realTime;
    }

    /** A clock for a branch or iteration that starts at the given time. */
    Clock fork(Instant start) {
        return new Clock(start, realTime);
    }

    Instant now() {
        return realTime ? Instant.now() : now;
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
