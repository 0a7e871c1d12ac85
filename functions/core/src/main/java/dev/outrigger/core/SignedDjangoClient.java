package dev.outrigger.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/** Makes the signed POSTs of DESIGN.md ("Signed calls to Django") to the Django ops endpoints. */
public final class SignedDjangoClient {
    public static final String BASE_URL_ENV = "DJANGO_BASE_URL";
    private static final int MAX_BODY_CHARS = 4096;
    /** Every call is a POST; the one value is both the request's method and the signed one. */
    private static final String METHOD = "POST";

    /** Clients built by {@link #fromEnv}, weakly held, for {@link #resetAllConnections()} after a SnapStart restore. */
    private static final java.util.Set<SignedDjangoClient> OWNED =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    private volatile HttpClient http;
    /** Builds a replacement HTTP client; null when the caller supplied the client (then the caller owns it). */
    private volatile java.util.function.Supplier<HttpClient> httpFactory;
    private final URI baseUrl;
    private final SecretSource secret;
    private final Clock clock;

    public SignedDjangoClient(HttpClient http, URI baseUrl, SecretSource secret) {
        this(http, baseUrl, secret, Clock.systemUTC());
    }

    public SignedDjangoClient(HttpClient http, URI baseUrl, SecretSource secret, Clock clock) {
        String base = baseUrl.toString();
        // Resolve "tasks/x" under the base path, not beside it.
        this.baseUrl = base.endsWith("/") ? baseUrl : URI.create(base + "/");
        this.http = http;
        this.secret = secret;
        this.clock = clock;
    }

    public static SignedDjangoClient fromEnv(Env env) {
        URI base;
        try {
            base = URI.create(env.require(BASE_URL_ENV));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(BASE_URL_ENV + " is not a URL: " + e.getMessage());
        }
        if (!"https".equals(base.getScheme()) && !"http".equals(base.getScheme())) {
            throw new ConfigException(BASE_URL_ENV + " must be an http(s) URL, got '" + base + "'");
        }
        SignedDjangoClient client = new SignedDjangoClient(newHttpClient(), base, SecretSources.fromEnv(env));
        client.httpFactory = SignedDjangoClient::newHttpClient;
        OWNED.add(client);
        return client;
    }

    private static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(3))
                // Django's ops endpoints never redirect; following one would send a signed body elsewhere.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Replaces the HTTP client (and with it every pooled connection) with a fresh one. After a SnapStart restore,
     * connections that were open at the snapshot point at peers that have long forgotten them
     * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-best-practices.html#snapstart-networking).
     * Does nothing for a client the caller supplied.
     */
    public void resetConnections() {
        java.util.function.Supplier<HttpClient> factory = httpFactory;
        if (factory == null) {
            return;
        }
        HttpClient old = http;
        http = factory.get();
        old.shutdownNow();
    }

    /** {@link #resetConnections()} on every client made by {@link #fromEnv}. */
    public static void resetAllConnections() {
        synchronized (OWNED) {
            OWNED.forEach(SignedDjangoClient::resetConnections);
        }
    }

    HttpClient httpClient() {
        return http;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * POSTs body to route, signed over the method, the route and the exact bytes sent. The URL and the signed route
     * both come from {@link DjangoRoute#path()}, and body must name the route's action (it starts as
     * {@link DjangoRoute#newBody()}), so a call authorizes the one endpoint it is sent to.
     */
    public HttpResult post(DjangoRoute route, ObjectNode body, String jobId, int attempt, Duration timeout)
            throws IOException, InterruptedException {
        if (!route.isNamedBy(body)) {
            throw new IllegalArgumentException("a call to " + route + " must carry " + route.namedAs()
                    + " and no other task, hook or action");
        }
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize the body for " + route, e);
        }
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve(route.path()))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(RequestSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(RequestSigner.SIGNATURE_HEADER,
                        RequestSigner.signature(secret.secret(), timestamp, METHOD, route.path(), bytes))
                .header(RequestSigner.JOB_ID_HEADER, jobId)
                .header(RequestSigner.ATTEMPT_HEADER, Integer.toString(attempt))
                .method(METHOD, HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String answer = response.body();
        if (answer != null && answer.length() > MAX_BODY_CHARS) {
            answer = answer.substring(0, MAX_BODY_CHARS);
        }
        return new HttpResult(response.statusCode(), response.headers().map(), answer);
    }
}
