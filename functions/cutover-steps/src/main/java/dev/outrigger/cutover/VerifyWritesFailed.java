package dev.outrigger.cutover;

/**
 * Django answered the write probe with {@code "ok": false}: the new database does not take writes. The cutover
 * state machine catches {@code dev.outrigger.cutover.VerifyWritesFailed} (Lambda's errorType for a Java exception is
 * its fully qualified class name) and rolls the flip back.
 */
public final class VerifyWritesFailed extends RuntimeException {
    public VerifyWritesFailed(String message) {
        super(message);
    }
}
