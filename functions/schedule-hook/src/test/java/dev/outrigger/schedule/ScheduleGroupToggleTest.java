package dev.outrigger.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Behaves like the Scheduler API for these calls: pages of 2, ResourceNotFoundException, full replace on update. */
    static final class FakeScheduler implements SchedulerClient {
        final Map<String, GetScheduleResponse> schedules = new LinkedHashMap<>();
        final List<UpdateScheduleRequest> updates = new ArrayList<>();

        void add(String name, ScheduleState state) {
            schedules.put(name, GetScheduleResponse.builder().name(name).groupName("outrigger").arn("arn:aws:scheduler:::schedule/outrigger/" + name)
                    .scheduleExpression("cron(0 3 * * ? *)").scheduleExpressionTimezone("Europe/Berlin")
                    .flexibleTimeWindow(FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
                    .target(Target.builder().arn("arn:aws:lambda:eu-central-1:1:function:hook").roleArn("arn:aws:iam::1:role/r")
                            .input("{\"hook\":\"" + name + "\"}").retryPolicy(RetryPolicy.builder().maximumRetryAttempts(3).build()).build())
                    .description("d-" + name).state(state).build());
        }

        @Override
        public ListSchedulesResponse listSchedules(ListSchedulesRequest r) {
            List<String> names = schedules.values().stream().filter(s -> s.groupName().equals(r.groupName())).map(GetScheduleResponse::name).toList();
            int from = r.nextToken() == null ? 0 : Integer.parseInt(r.nextToken());
            int to = Math.min(names.size(), from + 2);
            return ListSchedulesResponse.builder()
                    .schedules(names.subList(from, to).stream().map(n -> ScheduleSummary.builder().name(n).groupName(r.groupName())
                            .state(schedules.get(n).state()).build()).toList())
                    .nextToken(to < names.size() ? Integer.toString(to) : null).build();
        }

        @Override
        public GetScheduleResponse getSchedule(GetScheduleRequest r) {
            GetScheduleResponse s = schedules.get(r.name());
            if (s == null || !s.groupName().equals(r.groupName())) {
                throw ResourceNotFoundException.builder().message("Schedule " + r.name() + " does not exist.").build();
            }
            return s;
        }

        @Override
        public UpdateScheduleResponse updateSchedule(UpdateScheduleRequest r) {
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
}
