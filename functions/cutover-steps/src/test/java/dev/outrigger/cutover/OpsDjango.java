package dev.outrigger.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.testing.StandInDjango;
import dev.outrigger.testing.StandInDjango.Answer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Django's ops endpoints on the shared {@link StandInDjango}, which verifies every call the way Django does (401 when
 * the signature is wrong). Each route answers the status and body a test gives it; any other route is Django's 404.
 */
final class OpsDjango implements AutoCloseable {
    record Call(String path, JsonNode body, String jobId, boolean signatureValid) {
    }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final StandInDjango django;

    OpsDjango(String secret) {
        django = StandInDjango.start(secret,
                request -> answers.getOrDefault(request.route(), Answer.json(404, "{\"error\":\"not_found\"}")));
    }

    OpsDjango answer(String route, int status, String body) {
        answers.put(route, Answer.json(status, body));
        return this;
    }

    /** Every call so far; {@code path} is the route after the base URL. */
    List<Call> calls() {
        return django.calls().stream().map(c -> new Call(c.request().route(), c.request().json(), c.request().jobId(),
                c.request().signatureValid())).toList();
    }

    URI baseUrl() {
        return django.baseUrl();
    }

    @Override
    public void close() {
        django.close();
    }
}
