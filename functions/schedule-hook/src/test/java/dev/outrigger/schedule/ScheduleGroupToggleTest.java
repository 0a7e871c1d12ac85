package dev.outrigger.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindow;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.GetScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ListSchedulesRequest;
import software.amazon.awssdk.services.scheduler.model.ListSchedulesResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.RetryPolicy;
import software.amazon.awssdk.services.scheduler.model.ScheduleState;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.scheduler.model.Target;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleResponse;

class ScheduleGroupToggleTest {

    /**
     * Behaves like the Scheduler API for these calls: pages of 2, ResourceNotFoundException, full replace on update,
     * and, like a service, takes calls from many threads at once (each call atomic).
     */
    static final class FakeScheduler implements SchedulerClient {
        final Map<String, GetScheduleResponse> schedules = new LinkedHashMap<>();
        final List<UpdateScheduleRequest> updates = new ArrayList<>();

        void add(String name, ScheduleState state) {
            add("outrigger", name, state);
        }

        synchronized void add(String group, String name, ScheduleState state) {
            schedules.put(name, GetScheduleResponse.builder().name(name).groupName(group).arn("arn:aws:scheduler:::schedule/" + group + "/" + name)
                    .scheduleExpression("cron(0 3 * * ? *)").scheduleExpressionTimezone("Europe/Berlin")
                    .flexibleTimeWindow(FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
                    .target(Target.builder().arn("arn:aws:lambda:eu-central-1:1:function:hook").roleArn("arn:aws:iam::1:role/r")
                            .input("{\"hook\":\"" + name + "\"}").retryPolicy(RetryPolicy.builder().maximumRetryAttempts(3).build()).build())
                    .description("d-" + name).state(state).build());
        }

        @Override
        public synchronized ListSchedulesResponse listSchedules(ListSchedulesRequest r) {
            List<String> names = schedules.values().stream().filter(s -> s.groupName().equals(r.groupName())).map(GetScheduleResponse::name).toList();
            int from = r.nextToken() == null ? 0 : Integer.parseInt(r.nextToken());
            int to = Math.min(names.size(), from + 2);
            return ListSchedulesResponse.builder()
                    .schedules(names.subList(from, to).stream().map(n -> ScheduleSummary.builder().name(n).groupName(r.groupName())
                            .state(schedules.get(n).state()).build()).toList())
                    .nextToken(to < names.size() ? Integer.toString(to) : null).build();
        }

        @Override
        public synchronized GetScheduleResponse getSchedule(GetScheduleRequest r) {
            GetScheduleResponse s = schedules.get(r.name());
            if (s == null || !s.groupName().equals(r.groupName())) {
                throw ResourceNotFoundException.builder().message("Schedule " + r.name() + " does not exist.").build();
            }
            return s;
        }

        @Override
        public synchronized UpdateScheduleResponse updateSchedule(UpdateScheduleRequest r) {
            getSchedule(GetScheduleRequest.builder().name(r.name()).groupName(r.groupName()).build());
            updates.add(r);
            schedules.put(r.name(), GetScheduleResponse.builder().name(r.name()).groupName(r.groupName())
                    .scheduleExpression(r.scheduleExpression()).scheduleExpressionTimezone(r.scheduleExpressionTimezone())
                    .flexibleTimeWindow(r.flexibleTimeWindow()).target(r.target()).description(r.description()).state(r.state()).build());
            return UpdateScheduleResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "scheduler";
        }

        @Override
        public void close() {
        }
    }

    final FakeScheduler fake = new FakeScheduler();
    final ScheduleGroupToggleHandler handler = new ScheduleGroupToggleHandler(new ScheduleGroupToggle(fake));

    @Test
    void pause_disablesEnabledSchedules_acrossPages_andRecordsAlreadyDisabled() {
        fake.add("clearsessions", ScheduleState.ENABLED);
        fake.add("weekly-report", ScheduleState.DISABLED);
        fake.add("health-ping", ScheduleState.ENABLED);

        Map<String, Object> out = handler.handleRequest(Map.of("action", "pause", "group", "outrigger"), null);

        assertThat(out).containsEntry("paused", List.of("clearsessions", "health-ping"))
                .containsEntry("already_disabled", List.of("weekly-report"));
        assertThat(fake.schedules.values()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ScheduleState.DISABLED));
        // The update carried the whole definition, not just the state.
        assertThat(fake.schedules.get("clearsessions").target().input()).isEqualTo("{\"hook\":\"clearsessions\"}");
        assertThat(fake.schedules.get("clearsessions").scheduleExpressionTimezone()).isEqualTo("Europe/Berlin");
        assertThat(fake.schedules.get("clearsessions").description()).isEqualTo("d-clearsessions");
    }

    @Test
    void resume_reenablesOnlyWhatPauseDisabled_andReportsDeletedOnes() {
        fake.add("clearsessions", ScheduleState.ENABLED);
        fake.add("weekly-report", ScheduleState.DISABLED);
        fake.add("health-ping", ScheduleState.ENABLED);
        Map<String, Object> state = handler.handleRequest(Map.of("action", "pause", "group", "outrigger"), null);
        fake.schedules.remove("health-ping"); // deleted during the cutover

        Map<String, Object> out = handler.handleRequest(Map.of("action", "resume", "group", "outrigger", "state", state), null);

        assertThat(out).containsEntry("resumed", List.of("clearsessions")).containsEntry("missing", List.of("health-ping"));
        assertThat(fake.schedules.get("clearsessions").state()).isEqualTo(ScheduleState.ENABLED);
        assertThat(fake.schedules.get("weekly-report").state()).isEqualTo(ScheduleState.DISABLED);
    }

    @Test
    void pause_ofEmptyGroup_pausesNothing() {
        Map<String, Object> out = handler.handleRequest(Map.of("action", "pause", "group", "outrigger"), null);
        assertThat(out).containsEntry("paused", List.of()).containsEntry("already_disabled", List.of());
    }

    @Test
    void badInput_isRefusedClearly() {
        assertThatThrownBy(() -> handler.handleRequest(Map.of("action", "stop", "group", "g"), null))
                .isInstanceOf(InvalidHookInputException.class).hasMessageContaining("'stop'");
        assertThatThrownBy(() -> handler.handleRequest(Map.of("action", "pause"), null))
                .isInstanceOf(InvalidHookInputException.class).hasMessageContaining("\"group\"");
        assertThatThrownBy(() -> handler.handleRequest(Map.of("action", "resume", "group", "g"), null))
                .isInstanceOf(InvalidHookInputException.class).hasMessageContaining("\"state\"");
    }

    /** Lambda Managed Instances: 50 pauses at once through one handler, then 50 resumes, each of its own group. */
    @Test
    void fiftyConcurrentPausesThenResumes_throughOneHandler_eachSeeOnlyTheirGroup() throws Exception {
        int groups = 50;
        for (int g = 0; g < groups; g++) {
            fake.add("group-" + g, "g" + g + "-clearsessions", ScheduleState.ENABLED);
            fake.add("group-" + g, "g" + g + "-report", ScheduleState.DISABLED);
            fake.add("group-" + g, "g" + g + "-ping", ScheduleState.ENABLED);
        }
        List<Map<String, Object>> paused = concurrently(groups, g -> handler.handleRequest(Map.of("action", "pause", "group", "group-" + g), null));
        for (int g = 0; g < groups; g++) {
            assertThat(paused.get(g)).containsEntry("group", "group-" + g)
                    .containsEntry("paused", List.of("g" + g + "-clearsessions", "g" + g + "-ping"))
                    .containsEntry("already_disabled", List.of("g" + g + "-report"));
        }
        assertThat(fake.schedules.values()).extracting(GetScheduleResponse::state).containsOnly(ScheduleState.DISABLED);

        List<Map<String, Object>> resumed = concurrently(groups, g -> handler.handleRequest(Map.of("action", "resume",
                "group", "group-" + g, "state", paused.get(g)), null));
        for (int g = 0; g < groups; g++) {
            assertThat(resumed.get(g)).containsEntry("resumed", List.of("g" + g + "-clearsessions", "g" + g + "-ping"))
                    .containsEntry("missing", List.of());
            assertThat(fake.schedules.get("g" + g + "-report").state()).isEqualTo(ScheduleState.DISABLED);
            assertThat(fake.schedules.get("g" + g + "-ping").state()).isEqualTo(ScheduleState.ENABLED);
        }
    }

    /** Runs n invocations at once (released together, each on its own thread) and returns their results in order. */
    static List<Map<String, Object>> concurrently(int n, IntFunction<Map<String, Object>> invocation) throws Exception {
        CyclicBarrier together = new CyclicBarrier(n);
        try (var invocations = Executors.newFixedThreadPool(n)) {
            List<Future<Map<String, Object>>> futures = invocations.invokeAll(IntStream
                    .range(0, n).mapToObj(i -> (Callable<Map<String, Object>>) () -> {
                        together.await(30, TimeUnit.SECONDS);
                        return invocation.apply(i);
                    }).toList(), 2, TimeUnit.MINUTES);
            List<Map<String, Object>> out = new ArrayList<>();
            for (var f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }
}
