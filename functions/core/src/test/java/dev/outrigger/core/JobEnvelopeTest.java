package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JobEnvelopeTest {
    private static final String VALID = """
            {"version":1,"id":"job-1","type":"django.task","payload":{"task":"x"},"created_at":"2026-01-01T00:00:00Z",
             "max_attempts":5,"timeout_s":20,"meta":{"request_id":"r-1"}}""";

    @Test
    void parse_readsEveryField() throws Exception {
        JobEnvelope job = JobEnvelope.parse(VALID);
        assertThat(job.version()).isEqualTo(1);
        assertThat(job.id()).isEqualTo("job-1");
        assertThat(job.type()).isEqualTo("django.task");
        assertThat(job.payload().get("task").asText()).isEqualTo("x");
        assertThat(job.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(job.maxAttempts()).isEqualTo(5);
        assertThat(job.timeoutS()).isEqualTo(20);
        assertThat(job.meta()).isEqualTo(Map.of("request_id", "r-1"));
    }

    @Test
    void toJson_roundTrips() throws Exception {
        JobEnvelope job = JobEnvelope.parse(VALID);
        assertThat(JobEnvelope.parse(job.toJson())).isEqualTo(job);
        JobEnvelope fresh = JobEnvelope.create("webhook", Json.MAPPER.createObjectNode());
        assertThat(JobEnvelope.parse(fresh.toJson())).isEqualTo(fresh);
    }

    @Test
    void parse_acceptsOffsetsAndLowerCaseSeparators() throws Exception {
        assertThat(JobEnvelope.parse(VALID.replace("2026-01-01T00:00:00Z", "2026-01-01t02:00:00.123+02:00")).createdAt())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "version missing        | \"version\":1,                  |                        | version",
            "version wrong          | \"version\":1                   | \"version\":2          | version",
            "id missing             | \"id\":\"job-1\",               |                        | id",
            "id empty               | \"id\":\"job-1\"                | \"id\":\"\"            | id",
            "id bad characters      | \"id\":\"job-1\"                | \"id\":\"a b\"         | id",
            "id not a string        | \"id\":\"job-1\"                | \"id\":7               | id",
            "type missing           | \"type\":\"django.task\",       |                        | type",
            "type bad pattern       | \"type\":\"django.task\"        | \"type\":\"Django Task\" | type",
            "payload missing        | \"payload\":{\"task\":\"x\"},   |                        | payload",
            "payload not an object  | \"payload\":{\"task\":\"x\"}    | \"payload\":[1]        | payload",
            "created_at missing     | \"created_at\":\"2026-01-01T00:00:00Z\", |               | created_at",
            "created_at not RFC3339 | \"created_at\":\"2026-01-01T00:00:00Z\"  | \"created_at\":\"yesterday\" | created_at",
            "max_attempts zero      | \"max_attempts\":5              | \"max_attempts\":0     | max_attempts",
            "max_attempts too big   | \"max_attempts\":5              | \"max_attempts\":101   | max_attempts",
            "max_attempts fraction  | \"max_attempts\":5              | \"max_attempts\":1.5   | max_attempts",
            "timeout_s too big      | \"timeout_s\":20                | \"timeout_s\":901      | timeout_s",
            "meta value not string  | \"meta\":{\"request_id\":\"r-1\"} | \"meta\":{\"n\":1}    | meta.n",
            "unknown field          | \"version\":1                   | \"version\":1,\"extra\":true | extra",
    })
    void parse_namesTheFieldThatBreaksEachRule(String name, String replace, String with, String field) {
        String body = VALID.replace(replace.trim(), with == null ? "" : with.trim());
        assertThatThrownBy(() -> JobEnvelope.parse(body))
                .isInstanceOfSatisfying(InvalidEnvelopeException.class, e -> {
                    assertThat(e.field()).isEqualTo(field.trim());
                    assertThat(e.getMessage()).startsWith(field.trim() + ": ");
                });
    }

    @Test
    void parse_refusesNonJsonEmptyAndDuplicateKeys() {
        assertThatThrownBy(() -> JobEnvelope.parse("{")).isInstanceOfSatisfying(InvalidEnvelopeException.class,
                e -> assertThat(e.getMessage()).startsWith("$: not valid JSON"));
        assertThatThrownBy(() -> JobEnvelope.parse("  ")).isInstanceOfSatisfying(InvalidEnvelopeException.class,
                e -> assertThat(e.field()).isEqualTo("$"));
        assertThatThrownBy(() -> JobEnvelope.parse(VALID.replace("\"id\":\"job-1\"", "\"id\":\"job-1\",\"id\":\"job-2\"")))
                .isInstanceOf(InvalidEnvelopeException.class);
        assertThatThrownBy(() -> JobEnvelope.parse("[1,2]")).isInstanceOf(InvalidEnvelopeException.class);
    }

    @Test
    void validator_listsEveryViolation() {
        var violations = EnvelopeValidator.shared().validate("{\"version\":2}");
        assertThat(violations).extracting(EnvelopeValidator.Violation::field)
                .contains("version", "id", "type", "payload", "created_at");
    }

    @Test
    void checkSize_refusesBodiesOverTheQueueLimit_countingUtf8Bytes() throws Exception {
        EnvelopeValidator.checkSize("a".repeat(1024), 1024);
        assertThatThrownBy(() -> EnvelopeValidator.checkSize("é".repeat(513), 1024))
                .isInstanceOfSatisfying(InvalidEnvelopeException.class, e -> {
                    assertThat(e.field()).isEqualTo("body");
                    assertThat(e.getMessage()).contains("1026 bytes").contains("1024");
                });
        assertThat(EnvelopeSchema.get().messageBytes()).isEqualTo(new EnvelopeSchema.IntRange(1024, 1_048_576));
    }
}
