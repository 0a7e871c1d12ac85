package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outrigger.local.template.FunctionDef;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one environment builder `local up` and `sfn run` share. */
class FunctionEnvironmentTest {
    static final FunctionDef WORKER = new FunctionDef("WorkerFunction", "outrigger-dev-worker", "arn:aws:lambda:us-east-1:000000000000:function:outrigger-dev-worker",
            "dev.example.Handler", null, "java21", 30, 512,
            Map.of("FROM_TEMPLATE", "t", "SHARED", "template", "AWS_REGION", "template-region"), List.of(), 1);

    @Test
    void of_layersTemplateThenLambdaVariablesThenEnvFileThenOverrides() {
        EnvFiles envFiles = new EnvFiles(Map.of("SHARED", "env-file-all", "FROM_FILE", "f"),
                Map.of("WorkerFunction", Map.of("SHARED", "env-file-function", "OUTRIGGER_SIGNING_SECRET_ARN", "arn:secret")));
        FunctionEnvironment environment = new FunctionEnvironment("eu-west-1", URI.create("http://127.0.0.1:9325"),
                URI.create("http://127.0.0.1:9324"), envFiles, Map.of("FROM_FILE", "override"));

        Map<String, String> env = environment.of(WORKER);

        assertThat(env).containsEntry("FROM_TEMPLATE", "t")
                .containsEntry("AWS_REGION", "eu-west-1")              // Lambda's own variables win over the template's
                .containsEntry("AWS_DEFAULT_REGION", "eu-west-1")
                .containsEntry("AWS_ENDPOINT_URL", "http://127.0.0.1:9325")
                .containsEntry("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324")
                .containsEntry("AWS_ACCESS_KEY_ID", "local").containsEntry("AWS_SECRET_ACCESS_KEY", "local")
                .containsEntry("AWS_LAMBDA_FUNCTION_NAME", "outrigger-dev-worker")
                .containsEntry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
                .containsEntry("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
                .containsEntry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/outrigger-dev-worker")
                .containsEntry("AWS_EXECUTION_ENV", "AWS_Lambda_java21")
                .containsEntry("OUTRIGGER_LOCAL", "true")
                .containsEntry("SHARED", "env-file-function")           // per-function env file over its Parameters
                .containsEntry("OUTRIGGER_SIGNING_SECRET_ARN", "arn:secret")
                .containsEntry("FROM_FILE", "override");                // overrides last
    }

    @Test
    void of_withoutEnvFileOrOverrides_keepsTheTemplateValues() {
        FunctionEnvironment environment = new FunctionEnvironment("us-east-1", URI.create("http://127.0.0.1:9325"),
                URI.create("http://127.0.0.1:9324"), EnvFiles.none(), Map.of());
        assertThat(environment.of(WORKER)).doesNotContainKey("FROM_FILE").containsEntry("SHARED", "template");
    }
}
