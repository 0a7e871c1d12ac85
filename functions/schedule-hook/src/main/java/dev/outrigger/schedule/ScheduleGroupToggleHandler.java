package dev.outrigger.schedule;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.Json;
import java.util.Map;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * Called by the cutover state machine. Input {"action": "pause", "group": name} returns
 * {"paused": [...], "already_disabled": [...]}; input {"action": "resume", "group": name, "state": <that result>}
 * re-enables only the schedules in state.paused and returns {"resumed": [...], "missing": [...]}; both answers also
 * name the group. The input is read by {@link ScheduleGroupToggleRequest#from}, the answers are
 * {@link ScheduleGroupToggle.PauseResult} and {@link ScheduleGroupToggle.ResumeResult}. The boundary stays a map: a
 * typed input would be read with Jackson before the handler runs, and refused with Jackson's messages, not these.
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
        ScheduleGroupToggleRequest request = ScheduleGroupToggleRequest.from(input);
        return Json.toMap(switch (request.action()) {
            case PAUSE -> toggle.pause(request.group());
            case RESUME -> toggle.resume(request.group(), request.paused());
        });
    }
}
