package dev.outrigger.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable view of a function's environment variables.
 *
 * <p>Lambda hands a function its configuration as environment variables; the embedded runtime runs several
 * functions in one JVM, so code never reads {@link System#getenv()} directly: a handler's no-arg constructor
 * passes {@link #system()}, the runtime passes each function the environment its template declares.
 */
public final class Env {
    private final Map<String, String> values;

    private Env(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new HashMap<>(values));
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public static Env of(Map<String, String> values) {
        return new Env(values);
    }

    /** A blank value counts as unset: CloudFormation renders an empty parameter as "". */
    public Optional<String> get(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> new ConfigException("environment variable " + name + " is not set"));
    }

    public int intOr(String name, int defaultValue) {
        Optional<String> value = get(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("environment variable " + name + " must be a whole number, got '" + value.get() + "'");
        }
    }

    public Map<String, String> asMap() {
        return values;
    }

    public Env with(String name, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(name, value);
        return new Env(copy);
    }
}
