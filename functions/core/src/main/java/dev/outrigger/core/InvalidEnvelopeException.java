package dev.outrigger.core;

/** A job body that is not a valid version-1 envelope. The message is "field: why", ready for a DLQ attribute. */
public final class InvalidEnvelopeException extends Exception {
    private final String field;

    public InvalidEnvelopeException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
