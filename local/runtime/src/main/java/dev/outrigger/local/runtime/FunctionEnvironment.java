package dev.outrigger.local.runtime;

import dev.outrigger.local.template.FunctionDef;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment a local function runs with, in one place so {@code local up} ({@link LocalRuntime}) and
 * {@code sfn run} ({@link TemplateLambdaInvoker}) cannot drift: the template's variables (Globals + function), then
 * what Lambda sets itself (region, function name, memory, version, log group, execution env), fake credentials and
 * the local endpoints, then the env file's variables for this function, then {@code overrides} last.
 *
 * <p>The signing-secret rule (blank OUTRIGGER_SIGNING_SECRET_ARN whenever a literal secret is used) is not here: it
 * belongs to {@code LocalSigningSecret}, which `local up` passes in as overrides; for {@code sfn run} the env file
 * blanks it (see the README).
 *
 * @param emulator  AWS_ENDPOINT_URL (SNS, EventBridge and the other emulated APIs)
 * @param sqs       AWS_ENDPOINT_URL_SQS (ElasticMQ)
 * @param envFiles  {@code --env-file} variables
 * @param overrides applied last (RuntimeOptions.env, tests)
 */
record FunctionEnvironment(String region, URI emulator, URI sqs, EnvFiles envFiles, Map<String, String> overrides) {

    FunctionEnvironment {
        overrides = Map.copyOf(overrides);
    }

    /** The variables for one function, sorted by name. */
    Map<String, String> of(FunctionDef f) {
        Map<String, String> env = new TreeMap<>(f.environment());
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_ENDPOINT_URL", emulator.toString());
        env.put("AWS_ENDPOINT_URL_SQS", sqs.toString());
        env.put("AWS_LAMBDA_FUNCTION_NAME", f.name());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(f.memorySizeMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + f.name());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("OUTRIGGER_LOCAL", "true");
        env.putAll(envFiles.forFunction(f.logicalId()));
        env.putAll(overrides);
        return env;
    }
}
