package dev.outrigger.core;

/** A function is misconfigured (a missing or malformed environment variable, an unreadable secret). */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
