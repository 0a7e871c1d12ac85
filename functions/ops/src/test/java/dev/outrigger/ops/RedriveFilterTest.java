package dev.outrigger.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class RedriveFilterTest {
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    static DeadLetter parked(String id, String type, String error, Instant failedAt) {
        return DeadLetter.from(Message.builder().messageId("m-" + id).receiptHandle("rh").body("{}").messageAttributes(Map.of(
                DlqAttributes.ERROR, s(error), DlqAttributes.JOB_ID, s(id), DlqAttributes.JOB_TYPE, s(type),
                DlqAttributes.FAILED_AT, s(failedAt.toString()), DlqAttributes.ATTEMPTS, s("3"))).build());
    }

    static MessageAttributeValue s(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }

    @Test
    void timeSpec_acceptsDurationsAndInstants() {
        assertThat(TimeSpec.parse("2h", NOW)).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(TimeSpec.parse("3d", NOW)).isEqualTo(Instant.parse("2026-11-18T12:00:00Z"));
        assertThat(TimeSpec.parse("90s", NOW)).isEqualTo(Instant.parse("2026-11-21T11:58:30Z"));
        assertThat(TimeSpec.parse("1w", NOW)).isEqualTo(Instant.parse("2026-11-14T12:00:00Z"));
        assertThat(TimeSpec.parse("PT30M", NOW)).isEqualTo(Instant.parse("2026-11-21T11:30:00Z"));
        assertThat(TimeSpec.parse("2026-11-20T08:00:00Z", NOW)).isEqualTo(Instant.parse("2026-11-20T08:00:00Z"));
        assertThatThrownBy(() -> TimeSpec.parse("yesterday", NOW)).hasMessageContaining("'yesterday' is neither a duration");
    }

    @Test
    void timeSpecDuration_acceptsDurationsOnly() {
        assertThat(TimeSpec.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TimeSpec.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(TimeSpec.duration("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> TimeSpec.duration("2026-11-20T08:00:00Z")).hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> TimeSpec.duration("Pfoo")).hasMessageContaining("'Pfoo' is not a duration");
    }

    @Test
    void filter_requiresEveryGivenCriterion() {
        DeadLetter m = parked("j1", "webhook", "Timeout", NOW.minusSeconds(3 * 3600));
        assertThat(RedriveFilter.NONE.matches(m)).isTrue();
        assertThat(new RedriveFilter(Set.of("webhook"), Set.of("Timeout"), null, null, null).matches(m)).isTrue();
        assertThat(new RedriveFilter(Set.of("webhook"), Set.of("HttpStatus404"), null, null, null).matches(m)).isFalse();
        assertThat(new RedriveFilter(null, null, TimeSpec.parse("2h", NOW), null, null).matches(m)).isTrue();
        assertThat(new RedriveFilter(null, null, TimeSpec.parse("4h", NOW), null, null).matches(m)).isFalse();
        assertThat(new RedriveFilter(null, null, null, TimeSpec.parse("4h", NOW), null).matches(m)).isTrue();
        assertThat(new RedriveFilter(null, null, null, null, Set.of("j2", "j1")).matches(m)).isTrue();
        assertThat(new RedriveFilter(null, null, null, null, Set.of("m-j1")).matches(m)).isTrue();
        assertThat(new RedriveFilter(null, null, null, null, Set.of("j2")).matches(m)).isFalse();
    }

    @Test
    void deadLetterMovedBySqs_isMaxReceiveCountExceeded_withIdAndTypeFromTheBody() {
        DeadLetter m = DeadLetter.from(Message.builder().messageId("m1").receiptHandle("rh")
                .body("{\"version\":1,\"id\":\"job-9\",\"type\":\"webhook\",\"payload\":{},\"created_at\":\"2026-11-21T10:00:00Z\"}")
                .attributes(Map.of(MessageSystemAttributeName.SENT_TIMESTAMP, "1763719200000",
                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "6")).build());
        assertThat(m.sqsMoved()).isTrue();
        assertThat(m.error()).isEqualTo("MaxReceiveCountExceeded");
        assertThat(m.jobId()).isEqualTo("job-9");
        assertThat(m.jobType()).isEqualTo("webhook");
        assertThat(m.failedAt()).isEqualTo(Instant.ofEpochMilli(1763719200000L));

        DeadLetter garbage = DeadLetter.from(Message.builder().messageId("m2").receiptHandle("rh").body("not json").build());
        assertThat(garbage.jobType()).isEqualTo("unknown");
        assertThat(garbage.displayId()).isEqualTo("sqs:m2");
    }

    @Test
    void schedulerDeadLetter_isReadFromSchedulersAttributes() {
        DeadLetter m = DeadLetter.from(Message.builder().messageId("m3").receiptHandle("rh").body("{\"hook\":\"clearsessions\"}")
                .messageAttributes(Map.of("ERROR_CODE", s("Lambda.FunctionError"), "ERROR_MESSAGE", s("hook answered 500"),
                        "RETRY_ATTEMPTS", s("1"), "SCHEDULE_ARN", s("arn:aws:scheduler:eu-west-1:123456789012:schedule/outrigger-prod/clearsessions")))
                .build());
        assertThat(m.jobType()).isEqualTo("schedule:clearsessions");
        assertThat(m.error()).isEqualTo("Lambda.FunctionError");
        assertThat(m.errorMessage()).isEqualTo("hook answered 500");
        assertThat(m.attempts()).isEqualTo(1);
        assertThat(m.sqsMoved()).isFalse();
        assertThat(m.sourceQueue()).isNull();
    }

    @Test
    void hookDeadLetter_parkedByTheScheduleHookFunction_readsWithHookScheduledTimeStatusAndReason() {
        // what ScheduledHookRunner parks for a permanent answer (SqsHookDeadLetters): outrigger-* attributes, no source
        DeadLetter m = DeadLetter.from(Message.builder().messageId("m4").receiptHandle("rh")
                .body("{\"hook\":\"health_ping\",\"mode\":\"call\",\"scheduled_time\":\"2026-05-01T10:05:00Z\"}")
                .messageAttributes(Map.of(DlqAttributes.ERROR, s("Http404"),
                        DlqAttributes.ERROR_MESSAGE, s("hook 'health_ping': Django answered 404 on hooks/health_ping"),
                        DlqAttributes.ATTEMPTS, MessageAttributeValue.builder().dataType("Number").stringValue("1").build(),
                        DlqAttributes.FAILED_AT, s("2026-05-01T10:05:01.250Z"),
                        DlqAttributes.JOB_ID, s("hook:health_ping:2026-05-01T10:05:00Z"), DlqAttributes.JOB_TYPE, s("hook:health_ping")))
                .build());
        assertThat(m.displayId()).isEqualTo("hook:health_ping:2026-05-01T10:05:00Z");
        assertThat(m.jobType()).isEqualTo("hook:health_ping");
        assertThat(m.error()).isEqualTo("Http404");
        assertThat(m.errorMessage()).contains("Django answered 404");
        assertThat(m.attempts()).isEqualTo(1);
        assertThat(m.failedAt()).isEqualTo(Instant.parse("2026-05-01T10:05:01.250Z"));
        assertThat(m.sqsMoved()).isFalse();
        assertThat(m.sourceQueue()).as("it came from no queue: a redrive needs --to").isNull();
    }

    @Test
    void request_rejectsNonsense() {
        assertThatThrownBy(() -> RedriveRequest.of("u", RedriveFilter.NONE).withMax(0)).hasMessageContaining("--max must be at least 1");
        assertThatThrownBy(() -> RedriveRequest.of("u", RedriveFilter.NONE).withRate(0.0)).hasMessageContaining("--rate");
        assertThatThrownBy(() -> RedriveRequest.of("u", RedriveFilter.NONE).withMaxRedrives(0)).hasMessageContaining("--max-redrives");
        assertThat(RedriveRequest.of("u", RedriveFilter.NONE).perMessage()).isFalse();
        assertThat(RedriveRequest.of("u", RedriveFilter.NONE).withMax(5).perMessage()).isTrue();
    }
}
