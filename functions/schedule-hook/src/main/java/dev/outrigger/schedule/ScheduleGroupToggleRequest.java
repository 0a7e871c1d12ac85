package dev.outrigger.schedule;

import java.util.List;
import java.util.Map;

/**
 * {@link ScheduleGroupToggleHandler}'s input, checked: {"action": "pause", "group": name} or
 * {"action": "resume", "group": name, "state": <pause's result>}.
 *
 * @param paused for resume, the schedules pause disabled (state.paused); empty for pause
 */
public record ScheduleGroupToggleRequest(String group, Action action, List<String> paused) {
    public enum Action { PAUSE, RESUME }

    public static ScheduleGroupToggleRequest from(Map<String, Object> input) {
        if (input == null || !(input.get("group") instanceof String group) || group.isBlank()) {
            throw new InvalidHookInputException("toggle input needs \"group\": the schedule group name");
        }
        return switch (String.valueOf(input.get("action"))) {
            case "pause" -> new ScheduleGroupToggleRequest(group, Action.PAUSE, List.of());
            case "resume" -> {
                if (!(input.get("state") instanceof Map<?, ?> state) || !(state.get("paused") instanceof List<?> paused)) {
                    throw new InvalidHookInputException("resume needs \"state\": the result of pause, with \"paused\": [names]");
                }
                yield new ScheduleGroupToggleRequest(group, Action.RESUME, paused.stream().map(String::valueOf).toList());
            }
            default -> throw new InvalidHookInputException("toggle action '" + input.get("action") + "' is not \"pause\" or \"resume\"");
        };
    }
}
