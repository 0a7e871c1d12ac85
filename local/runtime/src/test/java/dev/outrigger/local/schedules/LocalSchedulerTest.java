package dev.outrigger.local.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.local.runtime.EmulatorRequest;
import dev.outrigger.local.runtime.EmulatorResponse;
import dev.outrigger.local.runtime.InvocationResult;
import dev.outrigger.local.template.ScheduleDef;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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

    static ScheduleDef def(String name, String expr, boolean enabled) {
        return new ScheduleDef("Schedule" + name, name, "outrigger-dev", expr, "Europe/Berlin", "ScheduleHookFunction",
                "arn:aws:lambda:us-east-1:000000000000:function:hook:live", INPUT, enabled, 1);
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
        scheduler.start(List.of(def("ping", "rate(1 minute)", true), def("off", "rate(1 minute)", false)), this::invoke, (b, a) -> dead.add(a));
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
        LocalScheduler.Entry e = new LocalScheduler.Entry(def("weekly", "cron(0 7 ? * MON *)", true));
        assertThat(scheduler.nextFire(e, Instant.parse("2026-11-21T12:00:00Z"))).isEqualTo(Instant.parse("2026-11-23T06:00:00Z"));
        assertThat(scheduler.nextFire(e, Instant.parse("2026-07-01T12:00:00Z"))).isEqualTo(Instant.parse("2026-07-06T05:00:00Z"));
    }

    @Test
    void failingFire_isRetriedPerPolicy_thenSentToDlqWithReason() {
        scheduler.start(List.of(def("clearsessions", "cron(0 3 * * ? *)", true)), this::invoke, (b, a) -> dead.add(a));
        failuresLeft.set(100);

        LocalScheduler.Firing f = scheduler.fireNow("clearsessions");

        assertThat(f.succeeded()).isFalse();
        assertThat(f.attempts()).isEqualTo(LocalScheduler.MAX_RETRIES + 1);
        assertThat(events).hasSize(LocalScheduler.MAX_RETRIES + 1).allSatisfy(ev -> assertThat(ev).isEqualTo(events.getFirst()));
        assertThat(dead).singleElement().satisfies(a -> {
            assertThat(a.get("ERROR_MESSAGE")).contains("Django answered 500");
            assertThat(a.get("RETRY_ATTEMPTS")).isEqualTo("3");
        });
    }

    @Test
    void failThenSucceed_retryUsesSameScheduledTime_noDlq() {
        scheduler.start(List.of(def("clearsessions", "cron(0 3 * * ? *)", true)), this::invoke, (b, a) -> dead.add(a));
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
