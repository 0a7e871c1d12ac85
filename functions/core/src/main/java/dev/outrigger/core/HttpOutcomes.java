package dev.outrigger.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/** Classifies an HTTP answer, or the failure to get one, into the outcome table of DESIGN.md. */
public final class HttpOutcomes {
    private static final Set<Integer> TRANSIENT_4XX = Set.of(408, 425, 429);
    /** How much of an answer's body a reason quotes: enough for Django's error and message, never a whole page. */
    public static final int MAX_REASON_BODY = 200;

    private HttpOutcomes() {
    }

    public static JobOutcome classify(HttpResult result, Clock clock) {
        int status = result.status();
        if ((status >= 200 && status < 300) || status == 409) {
            return new JobOutcome.Succeeded(status == 409 ? "409 already done" : String.valueOf(status));
        }
        String reason = "HTTP " + status + bodySnippet(result.body());
        if (TRANSIENT_4XX.contains(status) || status >= 500) {
            Duration retryAfter = retryAfter(result, clock).orElse(null);
            return new JobOutcome.Retry("Http" + status, reason, retryAfter);
        }
        // 400/401/403/404/410/422 and every other 4xx (and odd 1xx/3xx) will not change by trying again.
        return new JobOutcome.DeadLetter("Http" + status, reason);
    }

    public static JobOutcome classify(IOException failure) {
        String errorClass;
        if (failure instanceof HttpConnectTimeoutException) {
            errorClass = "ConnectTimeout";
        } else if (failure instanceof HttpTimeoutException || failure instanceof SocketTimeoutException
                || failure instanceof InterruptedIOException) {
            errorClass = "Timeout";
        } else if (failure instanceof ConnectException) {
            errorClass = "ConnectionRefused";
        } else if (failure instanceof ProtocolException) {
            // Not an HTTP answer we can read (a broken status line, a header flood): maybe a proxy's bad moment.
            errorClass = "BadResponse";
        } else {
            errorClass = "IOError";
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new JobOutcome.Retry(errorClass, message, null);
    }

    /** Retry-After as delta-seconds or an HTTP-date (RFC 9110 section 10.2.3); absent or unreadable means empty. */
    public static Optional<Duration> retryAfter(HttpResult result, Clock clock) {
        Optional<String> header = result.header("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration delta = Duration.between(clock.instant(), when.toInstant());
                return Optional.of(delta.isNegative() ? Duration.ZERO : delta);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static String bodySnippet(String body) {
        String flat = oneLine(body, MAX_REASON_BODY);
        return flat.isEmpty() ? "" : ": " + flat;
    }

    /**
     * An answer's body (or any text) as it goes into a reason or an error message: one line, runs of white space
     * folded, at most {@code maxChars} characters and an ellipsis; null is empty. Every Django caller quotes answers
     * this way, so one log search finds the same text whoever made the call.
     */
    public static String oneLine(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > maxChars ? flat.substring(0, maxChars) + "…" : flat;
    }
}
