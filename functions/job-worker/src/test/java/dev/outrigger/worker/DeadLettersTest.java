package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final DeadLetters.Reason REASON =
            new DeadLetters.Reason("Http422", "HTTP 422", 2, "job-1", "django.task", Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void attributes_putOursFirst_keepTheProducers_andStopAtTen() {
        Map<String, ReceivedMessage.MessageAttribute> original = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            original.put("attr" + i, new ReceivedMessage.MessageAttribute("String", "v" + i, null));
        }
        original.put("outrigger-error", new ReceivedMessage.MessageAttribute("String", "stale", null));
        var message = new ReceivedMessage("m", "rh", "{}", 2, 0, FakeSqs.SOURCE_ARN, null, original);
        var attrs = DeadLetters.attributes("jobs", message, REASON);
        assertThat(attrs).hasSize(10);
        assertThat(attrs.keySet()).startsWith("outrigger-error", "outrigger-error-message", "outrigger-attempts",
                "outrigger-source-queue", "outrigger-failed-at", "outrigger-job-id", "outrigger-job-type");
        assertThat(attrs.keySet()).contains("attr0", "attr1", "attr2").doesNotContain("attr3");
        assertThat(attrs.get("outrigger-error").stringValue()).isEqualTo("Http422");
        assertThat(attrs.get("outrigger-failed-at").stringValue()).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void attributes_carryTheRedriveHistory_beforeTheProducers_soTheRedriveLimitHolds() {
        Map<String, ReceivedMessage.MessageAttribute> original = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            original.put("attr" + i, new ReceivedMessage.MessageAttribute("String", "v" + i, null));
        }
        original.put("outrigger-redrive-count", new ReceivedMessage.MessageAttribute("Number", "2", null));
        original.put("outrigger-previous-error", new ReceivedMessage.MessageAttribute("String", "Http503", null));
        original.put("outrigger-redriven-at", new ReceivedMessage.MessageAttribute("String", "2026-01-01T00:00:00Z", null));
        original.put("outrigger-previous-error-message", new ReceivedMessage.MessageAttribute("String", "HTTP 503", null));
        var message = new ReceivedMessage("m", "rh", "{}", 1, 0, FakeSqs.SOURCE_ARN, null, original);
        var attrs = DeadLetters.attributes("jobs", message, REASON);
        assertThat(attrs).hasSize(10);
        assertThat(attrs.get("outrigger-redrive-count").stringValue()).isEqualTo("2");
        assertThat(attrs.get("outrigger-redrive-count").dataType()).isEqualTo("Number");
        assertThat(attrs.get("outrigger-previous-error").stringValue()).isEqualTo("Http503");
        assertThat(attrs.get("outrigger-redriven-at").stringValue()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(attrs.keySet()).doesNotContain("outrigger-previous-error-message", "attr0");
    }

    @Test
    void binaryAttributes_areCopied() {
        var message = new ReceivedMessage("m", "rh", "{}", 1, 0, FakeSqs.SOURCE_ARN, null,
                Map.of("blob", new ReceivedMessage.MessageAttribute("Binary", null, new byte[] {1, 2, 3})));
        var attrs = DeadLetters.attributes("jobs", message, REASON);
        assertThat(attrs.get("blob").binaryValue().asByteArray()).containsExactly(1, 2, 3);
    }

    @Test
    void fifoDlq_getsTheOriginalsGroup_andADedupIdStableAcrossRedeliveries() {
        FakeSqs sqs = new FakeSqs();
        var message = new ReceivedMessage("m-1", "rh", "{}", 1, 0, FakeSqs.SOURCE_ARN, "tenant-7", Map.of());
        new DeadLetters(() -> sqs).send(FakeSqs.DLQ_URL + ".fifo", true, "jobs.fifo", message, REASON);
        assertThat(sqs.sent.get(0).messageGroupId()).isEqualTo("tenant-7");
        assertThat(sqs.sent.get(0).messageDeduplicationId()).isEqualTo("m-1");
    }
}
