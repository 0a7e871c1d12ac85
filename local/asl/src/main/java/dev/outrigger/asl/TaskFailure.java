package dev.outrigger.asl;

/** A task that failed with an ASL error name and cause, as a Lambda error or a mocked Throw reports it. */
public final class TaskFailure extends Exception {
    private final String error;
    private final String errorCause;

    public TaskFailure(String error, String cause) {
        super(error + ": " + cause);
        this.error = error;
        this.errorCause = cause;
    }

    public String error() {
        return error;
    }

    public String cause() {
        return errorCause;
    }
}
