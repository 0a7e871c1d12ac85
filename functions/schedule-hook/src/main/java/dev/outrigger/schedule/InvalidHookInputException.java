package dev.outrigger.schedule;

/** The Scheduler input is not a hook invocation (no hook name, bad mode, bad scheduled_time…). Not worth retrying. */
public final class InvalidHookInputException extends RuntimeException {
    public InvalidHookInputException(String message) {
        super(message);
    }
}
