package dev.outrigger.schedule;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleState;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleRequest;

/**
 * Pauses and resumes every schedule of a group, for the cutover. Pause remembers which schedules were already
 * DISABLED so resume leaves them so. UpdateSchedule replaces the whole definition
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_UpdateSchedule.html: "any parameters that you
 * don't specify are set to their default values"), so each update is GetSchedule's fields with only State changed.
 */
public final class ScheduleGroupToggle {

    /**
     * What pause did to the group: the schedules it disabled, and those that were disabled before. Also the toggle
     * function's output, which the state machine hands back to resume as its "state".
     */
    public record PauseResult(String group, List<String> paused, @JsonProperty("already_disabled") List<String> alreadyDisabled) {
    }

    /** What resume did: re-enabled, and those that no longer exist (deleted since the pause). */
    public record ResumeResult(String group, List<String> resumed, List<String> missing) {
    }

    private final SchedulerClient scheduler;

    public ScheduleGroupToggle(SchedulerClient scheduler) {
        this.scheduler = scheduler;
    }

    public PauseResult pause(String group) {
        List<String> paused = new ArrayList<>();
        List<String> already = new ArrayList<>();
        for (ScheduleSummary s : scheduler.listSchedulesPaginator(b -> b.groupName(group)).schedules()) {
            GetScheduleResponse full = scheduler.getSchedule(b -> b.groupName(group).name(s.name()));
            if (full.state() == ScheduleState.DISABLED) {
                already.add(s.name());
            } else {
                scheduler.updateSchedule(update(full, ScheduleState.DISABLED));
                paused.add(s.name());
            }
        }
        return new PauseResult(group, paused, already);
    }

    public ResumeResult resume(String group, List<String> paused) {
        List<String> resumed = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : paused) {
            try {
                GetScheduleResponse full = scheduler.getSchedule(b -> b.groupName(group).name(name));
                scheduler.updateSchedule(update(full, ScheduleState.ENABLED));
                resumed.add(name);
            } catch (ResourceNotFoundException e) {
                missing.add(name);
            }
        }
        return new ResumeResult(group, resumed, missing);
    }

    /** UpdateSchedule replaces the whole definition: the same schedule, every field resent, only State changed. */
    public static UpdateScheduleRequest update(GetScheduleResponse s, ScheduleState state) {
        return UpdateScheduleRequest.builder()
                .name(s.name())
                .groupName(s.groupName())
                .scheduleExpression(s.scheduleExpression())
                .scheduleExpressionTimezone(s.scheduleExpressionTimezone())
                .flexibleTimeWindow(s.flexibleTimeWindow())
                .target(s.target())
                .description(s.description())
                .startDate(s.startDate())
                .endDate(s.endDate())
                .kmsKeyArn(s.kmsKeyArn())
                .actionAfterCompletion(s.actionAfterCompletion())
                .state(state)
                .build();
    }
}
