package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpOutcomesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static HttpResult result(int status, Map<String, List<String>> headers) {
        return new HttpResult(status, headers, "");
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299, 409})
    void success_for2xxAnd409(int status) {
        assertThat(HttpOutcomes.classify(result(status, Map.of()), CLOCK)).isInstanceOf(JobOutcome.Succeeded.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 425, 429, 500, 502, 503, 504, 599})
    void retry_forTransientStatuses(int status) {
        assertThat(HttpOutcomes.classify(result(status, Map.of()), CLOCK)).isInstanceOfSatisfying(JobOutcome.Retry.class, r -> {
            assertThat(r.errorClass()).isEqualTo("Http" + status);
            assertThat(r.retryAfter()).isNull();
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 301, 304, 400, 401, 403, 404, 405, 410, 413, 422, 451})
    void deadLetter_forPermanentStatuses(int status) {
        assertThat(HttpOutcomes.classify(result(status, Map.of()), CLOCK)).isInstanceOfSatisfying(JobOutcome.DeadLetter.class,
                d -> assertThat(d.errorClass()).isEqualTo("Http" + status));
    }

    @Test
    void retryAfter_inSeconds_isHonoured_caseInsensitively() {
        var r = (JobOutcome.Retry) HttpOutcomes.classify(result(429, Map.of("retry-after", List.of(" 120 "))), CLOCK);
        assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void retryAfter_asHttpDate_isTheTimeUntilThen() {
        var r = (JobOutcome.Retry) HttpOutcomes.classify(
                result(503, Map.of("Retry-After", List.of("Thu, 01 Jan 2026 00:05:00 GMT"))), CLOCK);
        assertThat(r.retryAfter()).isEqualTo(Duration.ofMinutes(5));
        var past = (JobOutcome.Retry) HttpOutcomes.classify(
                result(503, Map.of("Retry-After", List.of("Wed, 31 Dec 2025 23:00:00 GMT"))), CLOCK);
        assertThat(past.retryAfter()).isEqualTo(Duration.ZERO);
    }

    @Test
    void retryAfter_unreadableOrNegative_isIgnored() {
        assertThat(((JobOutcome.Retry) HttpOutcomes.classify(result(503, Map.of("Retry-After", List.of("soon"))), CLOCK)).retryAfter()).isNull();
        assertThat(((JobOutcome.Retry) HttpOutcomes.classify(result(503, Map.of("Retry-After", List.of("-5"))), CLOCK)).retryAfter()).isNull();
    }

    @Test
    void reason_carriesAShortFlattenedBodySnippet() {
        var d = (JobOutcome.DeadLetter) HttpOutcomes.classify(new HttpResult(422, Map.of(), "bad\n  field " + "x".repeat(500)), CLOCK);
        assertThat(d.reason()).startsWith("HTTP 422: bad field x").hasSizeLessThan(230);
    }

    @Test
    void ioFailures_areTransient_withAClass() {
        assertThat(((JobOutcome.Retry) HttpOutcomes.classify(new HttpConnectTimeoutException("t"))).errorClass()).isEqualTo("ConnectTimeout");
        assertThat(((JobOutcome.Retry) HttpOutcomes.classify(new HttpTimeoutException("t"))).errorClass()).isEqualTo("Timeout");
        assertThat(((JobOutcome.Retry) HttpOutcomes.classify(new SocketTimeoutException("t"))).errorClass()).isEqualTo("Timeout");
        assertThat(((JobOutcome.Retry) HttpOutcomes.classify(new InterruptedIOException())).errorClass()).isEqualTo("Timeout");
        assertThat(((JobOutcome.Retry) HttpOutcomes.classify(new ConnectException("refused"))).errorClass()).isEqualTo("ConnectionRefused");
        assertThat(((JobOutcome.Retry) HttpOutcomes.classify(new IOException())).errorClass()).isEqualTo("IOError");
        assertThat(((JobOutcome.Retry) HttpOutcomes.classify(new java.net.ProtocolException("bad status line"))).errorClass())
                .isEqualTo("BadResponse");
    }
}
