package dev.outrigger.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/** The one shared Jackson mapper: building a mapper is expensive, so every class uses this instance. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            // Duplicate keys in a job body are ambiguous; refuse rather than silently keep the last one.
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * A value as the JSON object it serializes to, as a map in property order (null members kept): what a handler whose
     * boundary type is {@code Map<String, Object>} returns for a result record, so the record's annotations name the
     * wire fields in one place.
     */
    public static Map<String, Object> toMap(Object value) {
        return MAPPER.convertValue(value, MAPPER.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }
}
