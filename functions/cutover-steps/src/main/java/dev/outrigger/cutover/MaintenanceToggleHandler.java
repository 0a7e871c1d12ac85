package dev.outrigger.cutover;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.Env;
import dev.outrigger.core.SignedDjangoClient;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Turns Django's maintenance mode on or off for the cutover state machine.
 * Input {"enabled": true|false, "reason": "…", "issued_at": "<RFC 3339>"}; output Django's answer
 * {"enabled", "reason", "changed_at"}. issued_at is the state's {@code $$.State.EnteredTime}: Step Functions' own
 * clock, later for each later state of an execution and the same on a Retry of one state, so Django can refuse a
 * call issued before the one that made its last change. Without it (a manual invoke) the call is issued now.
 * A non-2xx answer or an unreachable Django throws {@link DjangoCallFailed}.
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
        Object enabled = input == null ? null : input.get("enabled");
        if (!(enabled instanceof Boolean on)) {
            throw new IllegalArgumentException("input.enabled must be true or false, got " + enabled);
        }
        Object reason = input.getOrDefault("reason", "");
        if (!(reason instanceof String text)) {
            throw new IllegalArgumentException("input.reason must be a string");
        }
        Object issued = input.get("issued_at");
        Instant issuedAt;
        if (issued == null) {
            issuedAt = clock.instant();
        } else {
            try {
                issuedAt = OffsetDateTime.parse(String.valueOf(issued)).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("input.issued_at must be an RFC 3339 time such as $$.State.EnteredTime, got " + issued);
            }
        }
        return ops.setMaintenance(on, text, issuedAt);
    }
}
