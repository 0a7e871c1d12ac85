package dev.outrigger.asl;

/**
 * A definition that AWS would reject at CreateStateMachine, or that uses a feature this engine refuses to run.
 * The message always names the source, and where it applies the state and the field.
 */
public final class AslDefinitionException extends RuntimeException {
    public AslDefinitionException(String message) {
        super(message);
    }
}
