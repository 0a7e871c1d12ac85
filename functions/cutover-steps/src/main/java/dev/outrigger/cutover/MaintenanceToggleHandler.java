package dev.outrigger.cutover;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.Env;
import dev.outrigger.core.Json;
import dev.outrigger.core.SignedDjangoClient;
import java.time.Clock;
import java.util.Map;

/**
 * Turns Django's maintenance mode on or off for the cutover state machine.
 * Input {"enabled": true|false, "reason": "…", "issued_at": "<RFC 3339>"}; output Django's answer
 * {"enabled", "reason", "changed_at"}. issued_at is the state's {@code $$.State.EnteredTime}: Step Functions' own
 * clock, later for each later state of an execution and the same on a Retry of one state, so Django can refuse a
 * call issued before the one that made its last change. Without it (a manual invoke) the call is issued now.
 * A non-2xx answer or an unreachable Django throws {@link DjangoCallFailed}.
 *
 * <p>The input is read by {@link MaintenanceRequest#from} and the answer is a {@link MaintenanceState}; the handler's
 * types stay {@code Map} because a typed input would be read by Jackson before the handler runs, and Jackson coerces
 * scalars ({@code "enabled": "true"} would be taken as true, {@code "database": 3} as "3"), which the checks refuse.
 */
public final class MaintenanceToggleHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final DjangoOps ops;
    private final Clock clock;

    public MaintenanceToggleHandler() {
        this(Env.system());
    }

    public MaintenanceToggleHandler(Env env) {
        this(DjangoOps.of(SignedDjangoClient.fromEnv(env)), Clock.systemUTC());
    }

    MaintenanceToggleHandler(DjangoOps ops, Clock clock) {
        this.ops = ops;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        MaintenanceRequest request = MaintenanceRequest.from(input, clock);
        return Json.toMap(ops.setMaintenance(request.enabled(), request.reason(), request.issuedAt()));
    }
}
