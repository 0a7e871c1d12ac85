package dev.outrigger.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request to the AWS emulator.
 *
 * @param service the SigV4 signing name from the Authorization header ("sns", "events", "scheduler", "monitoring"…),
 *                or derived from X-Amz-Target when the request is unsigned
 * @param target  X-Amz-Target (JSON protocols, e.g. "AWSEvents.PutEvents"), or null
 */
public record EmulatorRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                              String service, String target) {

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body (or, when empty, the query string) as AWS query-protocol form parameters. */
    public Map<String, String> form() {
        String text = body.length > 0 ? bodyText() : (query == null ? "" : query);
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    public JsonNode json() {
        try {
            return body.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
