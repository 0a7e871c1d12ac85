package dev.outrigger.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outrigger.local.executions.ExecutionApi;
import dev.outrigger.local.executions.ExecutionEvent;
import dev.outrigger.local.executions.ExecutionFollower;
import dev.outrigger.local.executions.ExecutionProgress;
import dev.outrigger.local.executions.SdkExecutionApi;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code deploy start} against Step Functions and CloudFormation as moto serves them (server mode, its executor
 * running the definitions): the SDK adapter {@link SdkExecutionApi}, {@link ExecutionFollower} and the command.
 * Where moto departs from Step Functions, the test keeps clear of it: an execution started without a name is named
 * "None", so every start names one; a second StartExecution fails (HTTP 500, moto 5.2), so moto is reset before each
 * test, which starts one execution at most.
 */
class StateMachineStartMotoIT {
    private static final String ROLE = "arn:aws:iam::123456789012:role/outrigger-test-deploy-role";
    private static MotoServer moto;
    private static CloudFormationClient cfn;
    private static SfnClient sfn;
    private static ExecutionApi api;
    private static final AtomicInteger NAMES = new AtomicInteger();

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
        AwsTarget target = new AwsTarget(false, "us-east-1", moto.endpoint);
        cfn = target.build(CloudFormationClient.builder(), moto.endpoint);
        sfn = target.build(SfnClient.builder(), moto.endpoint);
        api = new SdkExecutionApi(cfn, sfn);
    }

    @BeforeEach
    void forgetEverything() throws Exception {
        moto.reset();
    }

    @AfterAll
    static void stopMoto() {
        if (cfn != null) {
            cfn.close();
            sfn.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private static String machine(String name, String definition) {
        return sfn.createStateMachine(r -> r.name(name).roleArn(ROLE).definition(definition)).stateMachineArn();
    }

    private static final String SUCCEEDS = """
            {"StartAt":"RunMigrations","States":{"RunMigrations":{"Type":"Pass","Next":"DeploySucceeded"},
             "DeploySucceeded":{"Type":"Succeed"}}}""";
    private static final String FAILS = """
            {"StartAt":"RunMigrations","States":{"RunMigrations":{"Type":"Pass","Next":"DeployFailed"},
             "DeployFailed":{"Type":"Fail","Error":"MigrationsFailed","Cause":"manage.py migrate exited with code 1"}}}""";
    private static final String NEVER_ENDS = """
            {"StartAt":"UpdateWebService","States":{"UpdateWebService":{"Type":"Pass","Next":"WaitForWeb"},
             "WaitForWeb":{"Type":"Wait","Seconds":3600,"Next":"Done"},"Done":{"Type":"Succeed"}}}""";

    /** A stack named name whose DeployStateMachineArn output is a new machine name-deploy; returns its ARN. */
    private static String deployStack(String name, String definition) {
        String arn = machine(name + "-deploy", definition);
        stack(name, Map.of("DeployStateMachineArn", arn));
        return arn;
    }

    private static void stack(String name, Map<String, String> outputs) {
        StringBuilder t = new StringBuilder("Resources:\n  Queue: {Type: AWS::SQS::Queue}\nOutputs:\n");
        outputs.forEach((k, v) -> t.append("  ").append(k).append(": {Value: \"").append(v).append("\"}\n"));
        cfn.createStack(r -> r.stackName(name).templateBody(t.toString()));
    }

    private static SfnCli.Result deployStart(String stack, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("deploy", "start", "--endpoint-url", moto.endpoint.toString(),
                "--stack", stack, "--name", "ci-" + NAMES.incrementAndGet(), "--poll-interval", "PT0.2S",
                "--input", "{\"image_tag\":\"3f9c2ab\"}"));
        args.addAll(List.of(extra));
        return SfnCli.run(args.toArray(String[]::new));
    }

    @Test
    void deployStart_succeeds_printsTheStatesFromTheHistory_exit0() {
        deployStack("outrigger-ok", SUCCEEDS);
        SfnCli.Result r = deployStart("outrigger-ok");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("deploy: stack outrigger-ok (" + moto.endpoint + "): DeployStateMachineArn = "
                + "arn:aws:states:us-east-1:123456789012:stateMachine:outrigger-ok-deploy");
        assertThat(r.out()).containsSubsequence("execution arn:aws:states:us-east-1:123456789012:execution:outrigger-ok-deploy:ci-",
                "entered RunMigrations", "left    RunMigrations after ", "entered DeploySucceeded", "deploy SUCCEEDED after ");
    }

    @Test
    void deployStart_fails_printsTheFailingStateErrorAndCause_exit1() {
        deployStack("outrigger-failing", FAILS);
        SfnCli.Result r = deployStart("outrigger-failing");

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).containsSubsequence("entered RunMigrations", "left    RunMigrations", "entered DeployFailed",
                "deploy FAILED after ", " in state DeployFailed",
                "  error: MigrationsFailed", "  cause: manage.py migrate exited with code 1");
    }

    @Test
    void deployStart_stackWithoutTheOutput_saysWhichOutputsExist_exit2() {
        stack("outrigger-old", Map.of("JobsDefaultQueueUrl", "https://sqs.example/q", "OpsTopicArn", "arn:aws:sns:x"));
        SfnCli.Result r = deployStart("outrigger-old");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("stack outrigger-old (" + moto.endpoint + ") has no output DeployStateMachineArn"
                + " (its outputs: ");
        assertThat(r.err()).contains("JobsDefaultQueueUrl").contains("OpsTopicArn");
    }

    @Test
    void deployStart_stackThatDoesNotExist_saysSo_exit2() {
        SfnCli.Result r = deployStart("outrigger-nope");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("stack outrigger-nope", "does not exist", "sam deploy --config-env default");
    }

    @Test
    void adapter_refusals_carryTheServiceErrorCode() {
        assertThatThrownBy(() -> api.start("arn:aws:states:us-east-1:123456789012:stateMachine:missing", "x", "{}"))
                .isInstanceOfSatisfying(ExecutionApi.ApiException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("StateMachineDoesNotExist"))
                .hasMessageStartingWith("Step Functions StartExecution: StateMachineDoesNotExist: ");
        assertThatThrownBy(() -> api.describe("arn:aws:states:us-east-1:123456789012:execution:outrigger-ok-deploy:nope"))
                .isInstanceOfSatisfying(ExecutionApi.ApiException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("ExecutionDoesNotExist"));
        assertThatThrownBy(() -> api.stackOutputs("outrigger-nope"))
                .isInstanceOf(ExecutionApi.StackNotFoundException.class)
                .hasMessageContaining("outrigger-nope does not exist");
    }

    @Test
    void follower_timeout_printsTheStateItIsIn_exit3_andLeavesTheExecutionRunning() throws Exception {
        String executionArn = api.start(deployStack("outrigger-slow", NEVER_ENDS), "watch-1", "{}");
        awaitEntered(executionArn, "WaitForWeb");
        StringWriter text = new StringWriter();
        ExecutionProgress progress = new ExecutionProgress(new PrintWriter(text, true), "deploy", false);
        VirtualPacer pacer = new VirtualPacer();

        int exit = new ExecutionFollower(api, pacer, Duration.ofSeconds(5)).follow(executionArn, Duration.ofMinutes(1), progress);

        assertThat(exit).isEqualTo(ExecutionProgress.STILL_RUNNING);
        assertThat(pacer.polls).isEqualTo(12);   // one poll every 5 s of the pacer's time until a minute has passed
        assertThat(text.toString()).containsSubsequence("entered UpdateWebService", "left    UpdateWebService",
                "entered WaitForWeb", "deploy still RUNNING after --timeout 1m00.000s in state WaitForWeb",
                "the execution goes on (it was not stopped): " + executionArn,
                "to stop it: aws stepfunctions stop-execution --execution-arn " + executionArn);
        assertThat(text.toString()).containsOnlyOnce("entered WaitForWeb");
        assertThat(api.describe(executionArn).running()).isTrue();
        assertThat(api.stateEventsAfter(executionArn, lastId(executionArn))).isEmpty();
    }

    private static long lastId(String executionArn) {
        List<ExecutionEvent> all = api.stateEventsAfter(executionArn, 0);
        return all.getLast().id();
    }

    /** moto runs the definition on its own thread: wait, with a deadline, until it is in the state. */
    private static void awaitEntered(String executionArn, String state) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (api.stateEventsAfter(executionArn, 0).stream()
                    .anyMatch(e -> e instanceof ExecutionEvent.Entered && e.state().equals(state))) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(executionArn + " never entered " + state + " within 30 s");
    }

    /** Time moves only when the follower sleeps. */
    private static final class VirtualPacer implements ExecutionFollower.Pacer {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        int polls;

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public void sleep(Duration d) {
            polls++;
            now = now.plus(d);
        }
    }
}
