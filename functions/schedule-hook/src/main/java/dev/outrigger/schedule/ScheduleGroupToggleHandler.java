package dev.outrigger.schedule;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * Called by the cutover state machine. Input {"action": "pause", "group": name} returns
 * {"paused": [...], "already_disabled": [...]}; input {"action": "resume", "group": name, "state": <that result>}
 * re-enables only the schedules in state.paused and returns {"resumed": [...], "missing": [...]}.
 */
public final class ScheduleGroupToggleHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final ScheduleGroupToggle toggle;

    public ScheduleGroupToggleHandler() {
        this(Env.system());
    }

    public ScheduleGroupToggleHandler(Env env) {
        this(new ScheduleGroupToggle(AwsClientConfig.configure(SchedulerClient.builder(), env, "SCHEDULER").build()));
    }

    ScheduleGroupToggleHandler(ScheduleGroupToggle toggle) {
        this.toggle = toggle;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        if (input == null || !(input.get("group") instanceof String group) || group.isBlank()) {
            throw new InvalidHookInputException("toggle input needs \"group\": the schedule group name");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("group", group);
        switch (String.valueOf(input.get("action"))) {
            case "pause" -> {
                ScheduleGroupToggle.PauseResult r = toggle.pause(group);
                out.put("paused", r.paused());
                out.put("already_disabled", r.alreadyDisabled());
            }
            case "resume" -> {
                if (!(input.get("state") instanceof Map<?, ?> state) || !(state.get("paused") instanceof List<?> paused)) {
                    throw new InvalidHookInputException("resume needs \"state\": the result of pause, with \"paused\": [names]");
                }
                ScheduleGroupToggle.ResumeResult r = toggle.resume(group, paused.stream().map(String::valueOf).toList());
                out.put("resumed", r.resumed());
                out.put("missing", r.missing());
            }
            default -> throw new InvalidHookInputException("toggle action '" + input.get("action") + "' is not \"pause\" or \"resume\"");
        }
        return out;
    }
}
