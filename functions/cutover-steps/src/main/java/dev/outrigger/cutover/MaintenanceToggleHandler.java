package dev.outrigger.cutover;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.Env;
import dev.outrigger.core.SignedDjangoClient;

import java.util.Map;

/**
 * Turns Django's maintenance mode on or off for the cutover state machine.
 * Input {"enabled": true|false, "reason": "…"}; output Django's answer {"enabled", "reason", "changed_at"}.
 * A non-2xx answer or an unreachable Django throws {@link DjangoCallFailed}.
 */
public final class MaintenanceToggleHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final DjangoOps ops;

    public MaintenanceToggleHandler() {
        this(Env.system());
    }

    public MaintenanceToggleHandler(Env env) {
        this(DjangoOps.of(SignedDjangoClient.fromEnv(env)));
    }

    MaintenanceToggleHandler(DjangoOps ops) {
        this.ops = ops;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Object enabled = input == null ? null : input.get("enabled");
        if (!(enabled instanceof Boolean on)) {
            throw new IllegalArgumentException("input.enabled must be true or false, got " + enabled);
        }
        Object reason = input.getOrDefault("reason", "");
        if (!(reason instanceof String text)) {
            throw new IllegalArgumentException("input.reason must be a string");
        }
        return ops.setMaintenance(on, text);
    }
}
