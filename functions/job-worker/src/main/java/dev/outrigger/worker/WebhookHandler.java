package dev.outrigger.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Env;
import dev.outrigger.core.HttpOutcomes;
import dev.outrigger.core.HttpResult;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.JobOutcome;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code webhook}: calls a third-party URL.
 * Payload: {@code {"url": "https://…", "method": "POST"|"PUT"|"PATCH", "headers": {…}, "body": any JSON or a string}}.
 *
 * <p>Every hop (the URL and each redirect, at most {@value #MAX_REDIRECTS}) passes the {@link SsrfGuard} and is sent
 * to the vetted address by {@link PinnedHttpClient}. The job id goes out as {@code Idempotency-Key} so the receiver
 * can drop the duplicates that at-least-once delivery brings.
 */
public final class WebhookHandler implements JobHandler {
    public static final String TYPE = "webhook";
    public static final String ALLOW_HTTP = "OUTRIGGER_WEBHOOK_ALLOW_HTTP";
    public static final String ALLOWED_HOSTS = "OUTRIGGER_WEBHOOK_ALLOWED_HOSTS";
    public static final String CONNECT_TIMEOUT_MS = "OUTRIGGER_WEBHOOK_CONNECT_TIMEOUT_MS";
    static final int MAX_REDIRECTS = 3;

    private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");
    private static final Pattern TOKEN = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");
    /** Headers the worker owns: framing (a user value could smuggle a second request) and the idempotency key. */
    private static final Set<String> RESERVED = Set.of("host", "idempotency-key", "content-length", "transfer-encoding",
            "connection", "keep-alive", "te", "trailer", "upgrade", "expect", "proxy-connection");
    /** Credentials meant for the original host: not forwarded when a redirect leaves it. */
    private static final Set<String> CREDENTIALS = Set.of("authorization", "cookie", "proxy-authorization");

    private final SsrfGuard guard;
    private final PinnedHttpClient http;
    private final Duration connectTimeout;
    private final Clock clock;

    public WebhookHandler(SsrfGuard guard, PinnedHttpClient http, Duration connectTimeout, Clock clock) {
        this.guard = guard;
        this.http = http;
        this.connectTimeout = connectTimeout;
        this.clock = clock;
    }

    public static WebhookHandler fromEnv(Env env) {
        boolean allowHttp = env.get(ALLOW_HTTP).map(v -> v.trim().equalsIgnoreCase("true")).orElse(false);
        List<String> allowed = env.get(ALLOWED_HOSTS).map(v -> Arrays.asList(v.split(","))).orElse(List.of());
        return new WebhookHandler(SsrfGuard.system(allowHttp, allowed), PinnedHttpClient.system(),
                Duration.ofMillis(env.intOr(CONNECT_TIMEOUT_MS, 3_000)), Clock.systemUTC());
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JobOutcome handle(JobEnvelope job, JobAttempt attempt) {
        JsonNode payload = job.payload();
        JsonNode urlNode = payload.get("url");
        if (urlNode == null || !urlNode.isTextual()) {
            return invalid("payload.url: required, a string");
        }
        URI uri;
        try {
            uri = new URI(urlNode.asText());
        } catch (URISyntaxException e) {
            return invalid("payload.url: not a URL (" + e.getReason() + ")");
        }
        String method = payload.hasNonNull("method") ? payload.get("method").asText().toUpperCase(Locale.ROOT) : "POST";
        if (!METHODS.contains(method)) {
            return invalid("payload.method: must be POST, PUT or PATCH");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode headerNode = payload.get("headers");
        if (headerNode != null && !headerNode.isNull()) {
            if (!headerNode.isObject()) {
                return invalid("payload.headers: must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = headerNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                if (!TOKEN.matcher(name).matches()) {
                    return invalid("payload.headers: '" + name + "' is not a valid header name");
                }
                if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                    return invalid("payload.headers." + name + ": set by the worker, may not be given");
                }
                if (!e.getValue().isTextual() || !validValue(e.getValue().asText())) {
                    return invalid("payload.headers." + name + ": must be a string without control characters");
                }
                headers.put(name, e.getValue().asText());
            }
        }
        byte[] body;
        JsonNode bodyNode = payload.get("body");
        if (bodyNode == null || bodyNode.isMissingNode()) {
            body = new byte[0];
        } else if (bodyNode.isTextual()) {
            body = bodyNode.asText().getBytes(StandardCharsets.UTF_8);
            putIfAbsent(headers, "Content-Type", "text/plain; charset=utf-8");
        } else {
            body = Json.write(bodyNode).getBytes(StandardCharsets.UTF_8);
            putIfAbsent(headers, "Content-Type", "application/json");
        }
        headers.put("Idempotency-Key", job.id());
        putIfAbsent(headers, "User-Agent", "outrigger-webhook/1");
        return call(uri, method, headers, body, attempt.deadline());
    }

    private JobOutcome call(URI uri, String method, Map<String, String> headers, byte[] body, Instant deadline) {
        for (int hop = 0; ; hop++) {
            SsrfGuard.Target target;
            try {
                target = guard.check(uri);
            } catch (SsrfGuard.Refused e) {
                return new JobOutcome.DeadLetter("SsrfRefused", (hop == 0 ? "" : "redirect " + hop + ": ") + e.getMessage());
            } catch (java.net.UnknownHostException e) {
                // Often a typo, sometimes a DNS hiccup: retry, and the exhausted job lands in the DLQ saying so.
                return new JobOutcome.Retry("UnknownHost", "cannot resolve " + e.getMessage(), null);
            }
            if (!clock.instant().isBefore(deadline)) {
                return new JobOutcome.Retry("Timeout", "no time left for the call", null);
            }
            HttpResult result;
            try {
                result = http.send(target, method, headers, body, connectTimeout, deadline);
            } catch (IOException e) {
                return HttpOutcomes.classify(e);
            }
            int status = result.status();
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (!redirect || result.header("Location").isEmpty()) {
                return HttpOutcomes.classify(result, clock);
            }
            if (hop >= MAX_REDIRECTS) {
                return new JobOutcome.DeadLetter("TooManyRedirects", "more than " + MAX_REDIRECTS + " redirects, last to "
                        + result.header("Location").get());
            }
            URI next;
            try {
                next = uri.resolve(new URI(result.header("Location").get().trim()));
            } catch (URISyntaxException | IllegalArgumentException e) {
                return new JobOutcome.DeadLetter("BadRedirect", "unreadable Location header");
            }
            if (status == 301 || status == 302 || status == 303) {
                // What browsers and curl do: the follow-up is a GET without the body.
                method = "GET";
                body = new byte[0];
                headers.keySet().removeIf(h -> h.equalsIgnoreCase("Content-Type"));
            }
            if (!sameOrigin(uri, next)) {
                headers.keySet().removeIf(h -> CREDENTIALS.contains(h.toLowerCase(Locale.ROOT)));
            }
            uri = next;
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return String.valueOf(a.getScheme()).equalsIgnoreCase(String.valueOf(b.getScheme()))
                && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
                && a.getPort() == b.getPort();
    }

    private static boolean validValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    private static void putIfAbsent(Map<String, String> headers, String name, String value) {
        if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase(name))) {
            headers.put(name, value);
        }
    }

    private static JobOutcome invalid(String reason) {
        return new JobOutcome.DeadLetter("InvalidPayload", reason);
    }
}
