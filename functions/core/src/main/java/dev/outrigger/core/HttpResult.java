package dev.outrigger.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What an HTTP call answered. Bodies are kept short by the callers that log them. */
public record HttpResult(int status, Map<String, List<String>> headers, String body) {
    public HttpResult {
        headers = headers == null ? Map.of() : headers;
        body = body == null ? "" : body;
    }

    /** Header lookup ignoring case, as HTTP requires. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                return Optional.of(entry.getValue().get(0));
            }
        }
        return Optional.empty();
    }
}
