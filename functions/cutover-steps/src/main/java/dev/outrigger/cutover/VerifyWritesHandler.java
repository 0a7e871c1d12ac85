package dev.outrigger.cutover;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.Env;
import dev.outrigger.core.SignedDjangoClient;

import java.util.Map;

/**
 * Asks Django to prove the (new) database takes writes. Input {} or {"database": alias}; output Django's
 * {"ok": true, "database", "vendor", "latency_ms"}. {"ok": false} throws {@link VerifyWritesFailed}, any other
 * failure {@link DjangoCallFailed}. The input is read by {@link VerifyWritesRequest#from}; the output is Django's answer
 * as it came (any further fields it sends pass through), so it stays a map.
 */
public final class VerifyWritesHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final DjangoOps ops;

    public VerifyWritesHandler() {
        this(Env.system());
    }

    public VerifyWritesHandler(Env env) {
        this(DjangoOps.of(SignedDjangoClient.fromEnv(env)));
    }

    VerifyWritesHandler(DjangoOps ops) {
        this.ops = ops;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return ops.verifyWrites(VerifyWritesRequest.from(input).database());
    }
}
