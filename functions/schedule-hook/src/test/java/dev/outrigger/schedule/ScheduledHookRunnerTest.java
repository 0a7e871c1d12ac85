package dev.outrigger.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outrigger.core.ConfigException;
import dev.outrigger.core.Env;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.testing.SampleEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduledHookRunnerTest {
    record Sent(String url, String body) {
    }

    final List<Sent> sent = new ArrayList<>();
    final Env env = Env.of(Map.of("JOBS_QUEUE_URL", "http://q/default", "JOBS_QUEUE_URL_HEAVY", "http://q/heavy"));
    final List<HookDeadLetters.DeadLetter> parked = new ArrayList<>();
    final ScheduledHookRunner runner = new ScheduledHookRunner(null, (url, body) -> {
        sent.add(new Sent(url, body));
        return "m-" + sent.size();
    }, Optional.empty(), env, Duration.ofSeconds(1), Clock.systemUTC());
    final ScheduledHookHandler handler = new ScheduledHookHandler(runner);

    static Map<String, Object> enqueue(Object args) {
        Map<String, Object> in = new HashMap<>();
        in.put("hook", "reports.tasks.weekly");
        in.put("mode", "enqueue");
        in.put("scheduled_time", "2026-11-23T06:00:00Z");
        in.put("execution_id", "e-9");
        in.put("args", args);
        return in;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> sample(String name) throws Exception {
        // The shared samples at the repository root, also usable with `sam local invoke -e`.
        return SampleEvents.map("scheduler", name);
    }

    @Test
    void sampleEvents_enqueueSample_isSent_andMissingHookSample_isRefused() throws Exception {
        Map<String, Object> out = handler.handleRequest(sample("weekly-report-enqueue.json"), null);
        assertThat(out).containsEntry("queue_url", "http://q/default");
        assertThat(JobEnvelope.parse(sent.getFirst().body()).id()).isEqualTo("hook:reports.weekly:2026-11-23T06:00:00Z");

        Map<String, Object> missing = sample("missing-hook.json");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> handler.handleRequest(missing, null))
                .isInstanceOf(InvalidHookInputException.class).hasMessageContaining("hook");
        assertThat(sent).hasSize(1);
    }

    @Test
    void enqueue_sendsDjangoTaskEnvelope_withDerivedId_toDefaultQueue() throws Exception {
        Map<String, Object> out = handler.handleRequest(enqueue(Map.of("args", List.of(1, "x"), "kwargs", Map.of("full", true))), null);

        assertThat(out).containsEntry("queue_url", "http://q/default").containsEntry("message_id", "m-1");
        JobEnvelope job = JobEnvelope.parse(sent.getFirst().body());
        assertThat(job.id()).isEqualTo("hook:reports.tasks.weekly:2026-11-23T06:00:00Z");
        assertThat(job.type()).isEqualTo("django.task");
        assertThat(job.payload().toString()).isEqualTo("{\"task\":\"reports.tasks.weekly\",\"args\":[1,\"x\"],\"kwargs\":{\"full\":true}}");
        assertThat(job.meta()).containsEntry("schedule_execution_id", "e-9");
    }

    @Test
    void enqueue_doubleFire_sendsTheSameJobIdTwice() throws Exception {
        handler.handleRequest(enqueue(List.of()), null);
        handler.handleRequest(enqueue(List.of()), null);
        assertThat(sent).hasSize(2);
        assertThat(JobEnvelope.parse(sent.get(0).body()).id()).isEqualTo(JobEnvelope.parse(sent.get(1).body()).id());
    }

    @Test
    void enqueue_withNamedQueue_usesItsUrlVariable() {
        handler.handleRequest(enqueue(Map.of("queue", "heavy")), null);
        assertThat(sent.getFirst().url()).isEqualTo("http://q/heavy");
    }

    @Test
    void enqueue_withUnknownQueue_namesTheMissingVariable() {
        assertThatThrownBy(() -> handler.handleRequest(enqueue(Map.of("queue", "video-encode")), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("JOBS_QUEUE_URL_VIDEO_ENCODE");
    }

    @Test
    void input_withoutHook_isRefusedClearly() {
        Map<String, Object> in = enqueue(List.of());
        in.remove("hook");
        assertThatThrownBy(() -> handler.handleRequest(in, null))
                .isInstanceOf(InvalidHookInputException.class).hasMessageContaining("no \"hook\" name");
    }

    @Test
    void input_withBadMode_isRefusedClearly() {
        Map<String, Object> in = enqueue(List.of());
        in.put("mode", "fire-and-forget");
        assertThatThrownBy(() -> handler.handleRequest(in, null))
                .isInstanceOf(InvalidHookInputException.class).hasMessageContaining("mode 'fire-and-forget'");
    }

    @Test
    void input_withPathInHookName_isRefused() {
        Map<String, Object> in = enqueue(List.of());
        in.put("hook", "../admin");
        assertThatThrownBy(() -> handler.handleRequest(in, null)).isInstanceOf(InvalidHookInputException.class);
    }

    @Test
    void input_withUnsubstitutedPlaceholder_isRefused() {
        Map<String, Object> in = enqueue(List.of());
        in.put("scheduled_time", "<aws.scheduler.scheduled-time>");
        assertThatThrownBy(() -> handler.handleRequest(in, null))
                .isInstanceOf(InvalidHookInputException.class).hasMessageContaining("not an RFC 3339 time");
    }

    @Test
    void input_null_isRefused() {
        assertThatThrownBy(() -> handler.handleRequest(null, null)).isInstanceOf(InvalidHookInputException.class);
    }

    @Test
    void sampleEvents_missingHookSample_withADeadLetterQueue_isParkedNotThrown() throws Exception {
        ScheduledHookHandler withDlq = new ScheduledHookHandler(new ScheduledHookRunner(null, (url, body) -> "m",
                Optional.of(parked::add), env, Duration.ofSeconds(1), Clock.systemUTC()));
        Map<String, Object> out = withDlq.handleRequest(sample("missing-hook.json"), null);
        assertThat(out).containsEntry("dead_lettered", true).containsEntry("error", "InvalidHookInput");
        assertThat(parked).singleElement().satisfies(d -> {
            assertThat(d.jobType()).isEqualTo("hook");
            assertThat(d.reason()).contains("no \"hook\" name");
        });
    }

    @Test
    void deadLetter_onSqs_carriesTheAttributesTheDlqToolsRead() {
        var request = SqsHookDeadLetters.request("http://q/scheduler-dlq", new HookDeadLetters.DeadLetter("{\"hook\":\"x\"}",
                "Http404", "hook 'x': Django answered 404\u0000" + "é".repeat(800), "hook:x:2026-11-21T03:00:00Z", "hook:x",
                java.time.Instant.parse("2026-11-21T03:00:02.123456Z")));
        assertThat(request.queueUrl()).isEqualTo("http://q/scheduler-dlq");
        assertThat(request.messageBody()).isEqualTo("{\"hook\":\"x\"}");
        var attrs = request.messageAttributes();
        assertThat(attrs.keySet()).containsExactly("outrigger-error", "outrigger-error-message", "outrigger-attempts",
                "outrigger-failed-at", "outrigger-job-id", "outrigger-job-type");
        assertThat(attrs.get("outrigger-error").stringValue()).isEqualTo("Http404");
        assertThat(attrs.get("outrigger-error-message").stringValue()).startsWith("hook 'x': Django answered 404?é").endsWith("…");
        assertThat(attrs.get("outrigger-error-message").stringValue().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .hasSizeLessThanOrEqualTo(1024);
        assertThat(attrs.get("outrigger-attempts").dataType()).isEqualTo("Number");
        assertThat(attrs.get("outrigger-failed-at").stringValue()).isEqualTo("2026-11-21T03:00:02.123Z");
        assertThat(attrs.get("outrigger-job-id").stringValue()).isEqualTo("hook:x:2026-11-21T03:00:00Z");
        assertThat(attrs.get("outrigger-job-type").stringValue()).isEqualTo("hook:x");
    }

    @Test
    void call_withoutDjangoBaseUrl_isAConfigError() {
        Map<String, Object> in = enqueue(List.of());
        in.put("mode", "call");
        assertThatThrownBy(() -> handler.handleRequest(in, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("DJANGO_BASE_URL");
    }
}
