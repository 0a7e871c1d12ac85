package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.local.template.ScheduleDef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalSchedulerTest {
    static final String INPUT = "{\"hook\":\"clearsessions\",\"mode\":\"call\",\"scheduled_time\":\"<aws.scheduler.scheduled-time>\","
            + "\"execution_id\":\"<aws.scheduler.execution-id>\",\"args\":[]}";
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> dead = new ArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    LocalScheduler scheduler = new LocalScheduler(Clock.systemUTC(), Duration.ofMillis(1));

    @AfterEach
    void stop() {
        scheduler.close();
    }

    final List<String> deadQueues = new ArrayList<>();
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    static ScheduleDef def(String name, String expr, boolean enabled) {
        return def(name, expr, enabled, new ScheduleDef.RetryPolicy(3, 3600), "HookDLQ");
    }

    static ScheduleDef def(String name, String expr, boolean enabled, ScheduleDef.RetryPolicy policy, String dlq) {
        return new ScheduleDef("Schedule" + name, name, "outrigger-dev", expr, "Europe/Berlin", "ScheduleHookFunction",
                "arn:aws:lambda:us-east-1:000000000000:function:hook:live", INPUT, enabled, policy, dlq, null, null, 1);
    }

    void deadLetter(String queue, String body, Map<String, String> attributes) {
        deadQueues.add(queue);
        dead.add(attributes);
    }

    void startWith(ScheduleDef d) {
        scheduler.start(List.of(d), this::invoke, this::deadLetter, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    /** A clock the test moves: each invocation "takes" {@code step}. */
    static final class SteppingClock extends Clock {
        volatile Instant now = Instant.parse("2026-03-02T03:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    InvocationResult invoke(String fn, String event) {
        events.add(event);
        if (failuresLeft.getAndDecrement() > 0) {
            return new InvocationResult("r", null, new IllegalStateException("Django answered 500"), false, Duration.ZERO);
        }
        return new InvocationResult("r", "{}", null, false, Duration.ZERO);
    }

    @Test
    void enabledRateSchedule_firesThroughTheHandler_withPlaceholdersFilled() throws Exception {
        scheduler.start(List.of(def("ping", "rate(1 minute)", true), def("off", "rate(1 minute)", false)), this::invoke, this::deadLetter);
        // A rate fires at its start, as EventBridge does without StartDate.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (events.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(events).hasSize(1);
        var in = new ObjectMapper().readTree(events.getFirst());
        assertThat(in.get("hook").asText()).isEqualTo("clearsessions");
        assertThat(Instant.parse(in.get("scheduled_time").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(in.get("execution_id").asText()).doesNotContain("<aws.scheduler");
        assertThat(scheduler.firings()).extracting(LocalScheduler.Firing::schedule).containsOnly("ping");
    }

    @Test
    void cronSchedule_nextFire_followsAwsRulesInItsZone() {
        scheduler.start(List.of(def("weekly", "cron(0 7 ? * MON *)", true)), this::invoke, null);
        LocalScheduler.Entry e = new LocalScheduler.Entry(def("weekly", "cron(0 7 ? * MON *)", true), Instant.EPOCH, false);
        assertThat(scheduler.nextFire(e, Instant.parse("2026-11-21T12:00:00Z"))).isEqualTo(Instant.parse("2026-11-23T06:00:00Z"));
        assertThat(scheduler.nextFire(e, Instant.parse("2026-07-01T12:00:00Z"))).isEqualTo(Instant.parse("2026-07-06T05:00:00Z"));
    }

    @Test
    void aScheduleFiresOnlyWithinItsStartDateAndEndDate_andARateCountsFromStartDate() {
        ScheduleDef daily = new ScheduleDef("ScheduleReport", "report", "outrigger-dev", "cron(0 9 * * ? *)", "UTC",
                "ScheduleHookFunction", "arn:aws:lambda:us-east-1:000000000000:function:hook:live", INPUT, true,
                ScheduleDef.RetryPolicy.DEFAULT, null, Instant.parse("2026-12-10T09:00:00Z"),
                Instant.parse("2026-12-12T09:00:00Z"), 1);
        LocalScheduler.Entry cron = new LocalScheduler.Entry(daily, Instant.EPOCH, false);
        LocalScheduler.Entry rate = new LocalScheduler.Entry(new ScheduleDef("ScheduleSync", "sync", "outrigger-dev",
                "rate(1 hour)", "UTC", "ScheduleHookFunction", "arn:aws:lambda:us-east-1:000000000000:function:hook:live",
                INPUT, true, ScheduleDef.RetryPolicy.DEFAULT, null, Instant.parse("2026-12-02T10:30:00Z"), null, 1),
                Instant.parse("2026-12-01T00:00:00Z"), false);

        // StartDate itself fires; nothing before it
        assertThat(scheduler.nextFire(cron, Instant.parse("2026-12-02T00:00:00Z"))).isEqualTo(Instant.parse("2026-12-10T09:00:00Z"));
        assertThat(scheduler.nextFire(cron, Instant.parse("2026-12-10T09:00:00Z"))).isEqualTo(Instant.parse("2026-12-11T09:00:00Z"));
        // EndDate does not fire, nor anything after it
        assertThat(scheduler.nextFire(cron, Instant.parse("2026-12-11T09:00:00Z"))).isNull();
        assertThat(scheduler.nextFire(rate, Instant.parse("2026-12-02T00:00:00Z"))).isEqualTo(Instant.parse("2026-12-02T10:30:00Z"));
        assertThat(scheduler.nextFire(rate, Instant.parse("2026-12-02T12:00:00Z"))).isEqualTo(Instant.parse("2026-12-02T12:30:00Z"));
    }

    @Test
    void failingFire_isRetriedPerPolicy_thenSentToDlqWithReason() {
        startWith(def("clearsessions", "cron(0 3 * * ? *)", true, new ScheduleDef.RetryPolicy(3, 3600), "HookDLQ"));
        failuresLeft.set(100);

        LocalScheduler.Firing f = scheduler.fireNow("clearsessions");

        assertThat(f.succeeded()).isFalse();
        assertThat(f.attempts()).isEqualTo(4);
        assertThat(events).hasSize(4).allSatisfy(ev -> assertThat(ev).isEqualTo(events.getFirst()));
        assertThat(deadQueues).containsExactly("HookDLQ");
        assertThat(dead).singleElement().satisfies(a -> {
            assertThat(a.get("ERROR_MESSAGE")).contains("Django answered 500");
            assertThat(a.get("RETRY_ATTEMPTS")).isEqualTo("3");
        });
    }

    @Test
    void retries_keepTheExecutionIdAndScheduledTime_andCountTheAttemptNumber() throws Exception {
        String input = "{\"hook\":\"x\",\"scheduled_time\":\"<aws.scheduler.scheduled-time>\","
                + "\"execution_id\":\"<aws.scheduler.execution-id>\",\"attempt\":\"<aws.scheduler.attempt-number>\"}";
        startWith(new ScheduleDef("ScheduleX", "x", "outrigger-dev", "cron(0 3 * * ? *)", "UTC", "ScheduleHookFunction",
                "arn:aws:lambda:us-east-1:000000000000:function:hook:live", input, true,
                new ScheduleDef.RetryPolicy(2, 3600), "HookDLQ", null, null, 1));
        failuresLeft.set(100);

        scheduler.fireNow("x");

        ObjectMapper json = new ObjectMapper();
        assertThat(events).hasSize(3);
        assertThat(events).extracting(ev -> json.readTree(ev).get("attempt").asText()).containsExactly("1", "2", "3");
        assertThat(events).extracting(ev -> json.readTree(ev).get("execution_id").asText()).containsOnly(
                json.readTree(events.getFirst()).get("execution_id").asText());
        assertThat(events).extracting(ev -> json.readTree(ev).get("scheduled_time").asText()).containsOnly(
                json.readTree(events.getFirst()).get("scheduled_time").asText());
    }

    @Test
    void failingFire_withMaximumRetryAttempts1_triesTwiceThenDeadLetters() {
        startWith(def("ping", "rate(5 minutes)", false, new ScheduleDef.RetryPolicy(1, 240), "PingDLQ"));
        failuresLeft.set(100);

        LocalScheduler.Firing f = scheduler.fireNow("ping");

        assertThat(f.attempts()).isEqualTo(2);
        assertThat(events).hasSize(2);
        assertThat(deadQueues).containsExactly("PingDLQ");
        assertThat(dead.getFirst().get("RETRY_ATTEMPTS")).isEqualTo("1");
    }

    @Test
    void failingFire_withMaximumRetryAttempts0_isNotRetried() {
        startWith(def("once", "cron(0 3 * * ? *)", true, new ScheduleDef.RetryPolicy(0, 3600), "HookDLQ"));
        failuresLeft.set(100);

        assertThat(scheduler.fireNow("once").attempts()).isEqualTo(1);
        assertThat(events).hasSize(1);
        assertThat(dead.getFirst().get("RETRY_ATTEMPTS")).isEqualTo("0");
    }

    @Test
    void failingFire_stopsRetryingOnceTheEventIsMaximumEventAgeOld() {
        SteppingClock clock = new SteppingClock();
        scheduler = new LocalScheduler(clock, Duration.ofMillis(1));
        // Each attempt takes 25 s: attempts start at 0, 25, 50 s; a 4th would start at 75 s, past the 60 s age.
        BiFunction<String, String, InvocationResult> slowFailure = (fn, event) -> {
            events.add(event);
            clock.now = clock.now.plusSeconds(25);
            return new InvocationResult("r", null, new IllegalStateException("Django answered 503"), false, Duration.ZERO);
        };
        scheduler.start(List.of(def("aged", "cron(0 3 * * ? *)", true, new ScheduleDef.RetryPolicy(100, 60), "HookDLQ")),
                slowFailure, this::deadLetter, new PrintStream(console, true, StandardCharsets.UTF_8));

        LocalScheduler.Firing f = scheduler.fireNow("aged");

        assertThat(f.succeeded()).isFalse();
        assertThat(f.attempts()).isEqualTo(3);
        assertThat(dead).singleElement().satisfies(a -> assertThat(a.get("RETRY_ATTEMPTS")).isEqualTo("2"));
    }

    @Test
    void failingFire_withoutDeadLetterConfig_isLoggedAndDropped() {
        startWith(def("nodlq", "cron(0 3 * * ? *)", true, new ScheduleDef.RetryPolicy(2, 3600), null));
        failuresLeft.set(100);

        LocalScheduler.Firing f = scheduler.fireNow("nodlq");

        assertThat(f.succeeded()).isFalse();
        assertThat(f.attempts()).isEqualTo(3);
        assertThat(dead).isEmpty();
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("nodlq failed after 3 attempt(s) (IllegalStateException: Django answered 500): the schedule has no DeadLetterConfig, the event is dropped");
    }

    @Test
    void failThenSucceed_retryUsesSameScheduledTime_noDlq() {
        scheduler.start(List.of(def("clearsessions", "cron(0 3 * * ? *)", true)), this::invoke, this::deadLetter);
        failuresLeft.set(1);
        LocalScheduler.Firing f = scheduler.fireNow("clearsessions");
        assertThat(f.succeeded()).isTrue();
        assertThat(f.attempts()).isEqualTo(2);
        assertThat(events.get(0)).isEqualTo(events.get(1));
        assertThat(dead).isEmpty();
    }

    @Test
    void schedulerApi_listGetUpdate_andNotFound() throws Exception {
        scheduler.start(List.of(def("clearsessions", "cron(0 3 * * ? *)", true)), this::invoke, null);
        EmulatorResponse list = scheduler.handle(req("GET", "/schedules", "ScheduleGroup=outrigger-dev", ""));
        assertThat(new String(list.body(), StandardCharsets.UTF_8)).contains("\"Name\":\"clearsessions\"").contains("\"State\":\"ENABLED\"");
        EmulatorResponse put = scheduler.handle(req("PUT", "/schedules/clearsessions", null, "{\"GroupName\":\"outrigger-dev\",\"State\":\"DISABLED\"}"));
        assertThat(put.status()).isEqualTo(200);
        EmulatorResponse get = scheduler.handle(req("GET", "/schedules/clearsessions", "groupName=outrigger-dev", ""));
        assertThat(new String(get.body(), StandardCharsets.UTF_8)).contains("\"State\":\"DISABLED\"").contains("cron(0 3 * * ? *)");
        EmulatorResponse missing = scheduler.handle(req("GET", "/schedules/nope", "groupName=outrigger-dev", ""));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("ResourceNotFoundException");
    }

    static EmulatorRequest req(String method, String path, String query, String body) {
        return new EmulatorRequest(method, path, query, Map.of(), body.getBytes(StandardCharsets.UTF_8), "scheduler", null);
    }
}
