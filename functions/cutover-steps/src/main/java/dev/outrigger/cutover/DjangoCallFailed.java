package dev.outrigger.cutover;

/**
 * A signed call to Django did not succeed (non-2xx answer, or Django unreachable). Thrown out of the handler on
 * purpose: Lambda reports it as the function error whose {@code errorType} is this class's fully qualified name
 * ({@code dev.outrigger.cutover.DjangoCallFailed}), which is what the state machines' Retry and Catch match.
 * https://docs.aws.amazon.com/lambda/latest/dg/java-exceptions.html
 */
public final class DjangoCallFailed extends RuntimeException {
    private final int status;

    public DjangoCallFailed(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status Django answered, or 0 when it could not be reached. */
    public int status() {
        return status;
    }
}
