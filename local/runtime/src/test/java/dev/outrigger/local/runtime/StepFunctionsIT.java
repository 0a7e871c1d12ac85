package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.InvalidExecutionInputException;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;

/**
 * Step Functions on `local up`'s emulator, called with the AWS SDK's own client (JSON 1.0): StartExecution runs a
 * template state machine with the runtime's functions; ListExecutions, DescribeExecution and GetExecutionHistory read
 * what it ran, including the state a failed execution failed in; unknown machines and executions are Step Functions'
 * errors.
 */
class StepFunctionsIT {
    static LocalRuntime runtime;
    static SfnClient sfn;

    /** Returns its input with "echoed": true. */
    public static final class Echo implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            Map<String, Object> out = new LinkedHashMap<>(input);
            out.put("echoed", true);
            return out;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path template = Path.of(StepFunctionsIT.class.getResource("/templates/step-functions.yaml").toURI());
        runtime = LocalRuntime.start(RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                .stopGrace(Duration.ofSeconds(3)).console(new PrintStream(new ByteArrayOutputStream())).build());
        sfn = SfnClient.builder().endpointOverride(runtime.emulatorEndpoint()).region(Region.of(runtime.template().endpoints().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        sfn.close();
        runtime.close();
    }

    private static String arn(String logicalId) {
        return runtime.template().stateMachines().get(logicalId).arn();
    }

    private static DescribeExecutionResponse awaitDone(String executionArn) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(executionArn));
            if (d.status() != ExecutionStatus.RUNNING || System.nanoTime() > deadline) {
                return d;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void startExecution_runsTheMachineWithTheRuntimesFunctions_andDescribeShowsItsOutput() throws Exception {
        String executionArn = sfn.startExecution(b -> b.stateMachineArn(arn("EchoStateMachine")).name("echo-1")
                .input("{\"release\":\"v1\"}")).executionArn();

        DescribeExecutionResponse d = awaitDone(executionArn);

        assertThat(executionArn).endsWith(":execution:outrigger-dev-echo:echo-1");
        assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(d.output()).isEqualTo("{\"release\":\"v1\",\"echoed\":true}");
        assertThat(d.stopDate()).isAfterOrEqualTo(d.startDate());
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(arn("EchoStateMachine"))).executions())
                .anySatisfy(e -> assertThat(e.executionArn()).isEqualTo(executionArn));
    }

    @Test
    void aFailedExecution_hasItsErrorInDescribe_andItsHistoryEndsInTheStateItFailedIn() throws Exception {
        String executionArn = sfn.startExecution(b -> b.stateMachineArn(arn("DeployStateMachine")).name("deploy-1")).executionArn();

        DescribeExecutionResponse d = awaitDone(executionArn);
        List<HistoryEvent> newestFirst = sfn.getExecutionHistory(b -> b.executionArn(executionArn).reverseOrder(true)).events();

        assertThat(d.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(d.error()).isEqualTo("States.Runtime");
        assertThat(newestFirst.get(0).type()).isEqualTo(HistoryEventType.EXECUTION_FAILED);
        assertThat(newestFirst.get(0).executionFailedEventDetails().cause()).contains("RunMigrations");
        HistoryEvent lastEntered = newestFirst.stream().filter(e -> e.type() == HistoryEventType.TASK_STATE_ENTERED).findFirst().orElseThrow();
        assertThat(lastEntered.stateEnteredEventDetails().name()).isEqualTo("RunMigrations");
        assertThat(newestFirst.get(newestFirst.size() - 1).type()).isEqualTo(HistoryEventType.EXECUTION_STARTED);
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(arn("DeployStateMachine")).statusFilter(ExecutionStatus.FAILED))
                .executions()).extracting(e -> e.name()).contains("deploy-1");
    }

    @Test
    void errors_areStepFunctionsOwn() {
        String unknown = arn("EchoStateMachine").replace("outrigger-dev-echo", "nope");
        assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(unknown)))
                .isInstanceOf(StateMachineDoesNotExistException.class);
        assertThatThrownBy(() -> sfn.listExecutions(b -> b.stateMachineArn(unknown)))
                .isInstanceOf(StateMachineDoesNotExistException.class);
        assertThatThrownBy(() -> sfn.describeExecution(b -> b.executionArn(unknown.replace(":stateMachine:", ":execution:") + ":x")))
                .isInstanceOf(ExecutionDoesNotExistException.class);
        assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(arn("EchoStateMachine")).input("{nope")))
                .isInstanceOf(InvalidExecutionInputException.class);
        sfn.startExecution(b -> b.stateMachineArn(arn("EchoStateMachine")).name("twice"));
        assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(arn("EchoStateMachine")).name("twice")))
                .isInstanceOf(ExecutionAlreadyExistsException.class);
    }
}
