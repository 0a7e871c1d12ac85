package dev.outrigger.worker;

import com.amazonaws.services.lambda.runtime.Context;
import dev.outrigger.core.Env;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.internal.PowertoolsLoggedFields;

/**
 * The fields Powertools' log layout prints from the log context (MDC): service, function name, version, ARN, memory,
 * request id, cold start. Powertools' {@code @Logging} aspect would fill them on every invocation, but it needs
 * AspectJ (cold start); this does the same by hand, the function's own {@code POWERTOOLS_SERVICE_NAME} taken from
 * its {@link Env} rather than the process environment, so functions sharing one JVM (the local runtime, Lambda
 * Managed Instances) each log their own name. The context's values come from Powertools' own
 * {@link PowertoolsLoggedFields#setValuesFromLambdaContext}, so the keys are the layout's.
 */
final class InvocationLogFields {
    static final String SERVICE_ENV = "POWERTOOLS_SERVICE_NAME";

    private final String service;
    private final AtomicBoolean coldStart = new AtomicBoolean(true);

    InvocationLogFields(String service) {
        this.service = service;
    }

    static InvocationLogFields fromEnv(Env env) {
        return new InvocationLogFields(env.get(SERVICE_ENV).orElse(null));
    }

    /** Puts this invocation's fields in the calling thread's MDC; closing restores what was there. */
    Scope open(Context context) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        Map<String, String> fields = new HashMap<>();
        if (context != null) {
            PowertoolsLoggedFields.setValuesFromLambdaContext(context).forEach((k, v) -> {
                if (v != null) {
                    fields.put(k, v);
                }
            });
        }
        if (service != null) {
            fields.put(PowertoolsLoggedFields.SERVICE.getName(), service);
        }
        fields.put(PowertoolsLoggedFields.FUNCTION_COLD_START.getName(), String.valueOf(coldStart.getAndSet(false)));
        MDC.setContextMap(fields);
        return () -> {
            if (previous == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previous);
            }
        };
    }

    /** Undoes {@link #open}. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
