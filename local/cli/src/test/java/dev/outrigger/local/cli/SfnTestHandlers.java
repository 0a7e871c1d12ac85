package dev.outrigger.local.cli;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.Env;
import java.util.LinkedHashMap;
import java.util.Map;

/** Handlers for the sfn command tests (src/test/resources/sfn/template.yaml). */
public final class SfnTestHandlers {
    private SfnTestHandlers() {
    }

    /** Returns its input with the variables the template and the env file gave it. */
    public static final class Echo implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        private final Env env;

        public Echo(Env env) {
            this.env = env;
        }

        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            System.out.println("a handler printing to System.out must not reach the result JSON");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("got", input);
            out.put("greeting", env.get("GREETING").orElse(null));
            out.put("fromEnvFile", env.get("FROM_ENV_FILE").orElse(null));
            out.put("functionName", env.get("AWS_LAMBDA_FUNCTION_NAME").orElse(null));
            return out;
        }
    }

    /** Always fails, the way a Java handler does: with an exception. */
    public static final class Refuse implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            throw new IllegalStateException("refused: " + input.get("why"));
        }
    }
}
