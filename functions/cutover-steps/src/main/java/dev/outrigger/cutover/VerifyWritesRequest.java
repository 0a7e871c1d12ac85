package dev.outrigger.cutover;

import java.util.Map;
import java.util.Optional;

/** {@link VerifyWritesHandler}'s input {} or {"database": alias}, checked; a blank alias is Django's default database. */
public record VerifyWritesRequest(Optional<String> database) {
    public static VerifyWritesRequest from(Map<String, Object> input) {
        Object database = input == null ? null : input.get("database");
        if (database != null && !(database instanceof String)) {
            throw new IllegalArgumentException("input.database must be a database alias (string)");
        }
        return new VerifyWritesRequest(Optional.ofNullable((String) database).filter(d -> !d.isBlank()));
    }
}
