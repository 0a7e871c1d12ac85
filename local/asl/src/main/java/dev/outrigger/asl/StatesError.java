package dev.outrigger.asl;

/**
 * A runtime error inside an execution, carrying the ASL error name and cause. It travels only inside the engine:
 * the engine turns it into a retry, a catch, or a failed {@link ExecutionResult}.
 */
final class StatesError extends RuntimeException {
    final String error;
    final String errorCause;

    StatesError(String error, String cause) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.errorCause = cause;
    }

    static StatesError runtime(String cause) {
        return new StatesError(Errors.RUNTIME, cause);
    }
}
