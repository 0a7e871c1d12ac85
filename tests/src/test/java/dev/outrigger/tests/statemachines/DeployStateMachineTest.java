package dev.outrigger.tests.statemachines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.asl.ExecutionStatus;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every branch of statemachines/deploy.asl.json, through the test cases in events/statemachines/mocks.json. */
class DeployStateMachineTest {
    private static final List<String> START = List.of("Defaults", "ApplyDefaults", "RunMigrations", "MigrationsSucceeded?");
    private static final List<String> WEB_TWO_POLLS = List.of("UpdateWebService", "StartWebPolls",
            "WaitForWeb", "DescribeWebService", "CountWebPoll", "WebStable?", "WebPollsLeft?",
            "WaitForWeb", "DescribeWebService", "CountWebPoll", "WebStable?");

    private static Machines.Execution run(String testCase) {
        return run(testCase, Machines.json("events/statemachines/deploy-input.json"));
    }

    private static Machines.Execution run(String testCase, JsonNode input) {
        return Machines.run("deploy", "DeployStateMachine", testCase, input, Optional.empty());
    }

    private static List<String> concat(List<?>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).map(String::valueOf).toList();
    }

    @Test
    void happyPath_migratesRollsWebThenWorkers_andNotifiesSuccess() {
        Machines.Execution run = run("HappyPath");

        assertThat(run.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.path()).containsExactlyElementsOf(concat(START, WEB_TWO_POLLS, List.of("UpdateWorkerService",
                "StartWorkerPolls", "WaitForWorkers", "DescribeWorkerService", "CountWorkerPoll", "WorkersStable?",
                "NotifyDeploySucceeded", "DeploySucceeded")));
        JsonNode runTask = run.callsTo("RunMigrations").getFirst().input();
        assertThat(runTask.at("/Overrides/ContainerOverrides/0/Command").toString())
                .isEqualTo("[\"python\",\"manage.py\",\"migrate\",\"--noinput\"]");
        assertThat(runTask.at("/Overrides/ContainerOverrides/0/Name").asText()).isEqualTo("django");
        assertThat(runTask.get("LaunchType").asText()).isEqualTo("FARGATE");
        assertThat(runTask.at("/NetworkConfiguration/AwsvpcConfiguration/Subnets/0").asText()).isEqualTo("subnet-0a1b2c3d4e5f60718");
        assertThat(run.callsTo("UpdateWebService").getFirst().input().get("TaskDefinition").asText()).isEqualTo("django-web:42");
        assertThat(run.callsTo("UpdateWorkerService").getFirst().input().get("TaskDefinition").asText()).isEqualTo("django-worker:42");
        assertThat(run.callsTo("NotifyDeploySucceeded").getFirst().input().get("TopicArn").asText()).endsWith(":outrigger-dev-ops");
        assertThat(run.subject()).isEqualTo("Outrigger deploy succeeded");
        assertThat(run.message()).startsWith("Deploy of image 3f9c2ab to cluster outrigger-prod succeeded: migrations ran,"
                + " web service django-web is stable on django-web:42, worker service django-worker is stable on django-worker:42.");
        // Two web polls 15 s apart, one worker poll: the virtual clock records the waits.
        var history = run.result().history();
        assertThat(java.time.Duration.between(history.getFirst().entered(), history.getLast().exited()).toSeconds()).isEqualTo(45);
    }

    @Test
    void migrationsThrottled_areRetried_andTheDeployCarriesOn() {
        Machines.Execution run = run("MigrationsThrottledThenSucceed");

        assertThat(run.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.callsTo("RunMigrations")).hasSize(2);
        assertThat(run.path()).doesNotContain("MigrationsFailedToRun").endsWith("DeploySucceeded");
    }

    @Test
    void migrationsExitNonZero_notifiesWithTheExitCode_andChangesNoService() {
        Machines.Execution run = run("MigrationsFail");

        assertThat(run.result().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.result().error()).isEqualTo("MigrationsFailed");
        assertThat(run.result().cause()).isEqualTo("manage.py migrate exited with code 1 "
                + "(task arn:aws:ecs:us-east-1:123456789012:task/outrigger-prod/0f9a1c2e)");
        assertThat(run.path()).containsExactlyElementsOf(concat(START, List.of("MigrationsExitedNonZero", "NotifyDeployFailed", "DeployFailed")));
        assertThat(run.calls()).noneMatch(c -> c.resource().contains("updateService"));
        assertThat(run.subject()).isEqualTo("Outrigger deploy FAILED");
        assertThat(run.message()).isEqualTo("Deploy of image 3f9c2ab to cluster outrigger-prod FAILED at step RunMigrations.\n"
                + "Error: MigrationsFailed\n"
                + "Cause: manage.py migrate exited with code 1 (task arn:aws:ecs:us-east-1:123456789012:task/outrigger-prod/0f9a1c2e)\n"
                + "Web service django-web: unchanged, nothing to roll back\n"
                + "Worker service django-worker: unchanged, nothing to roll back\n"
                + "Execution: arn:aws:states:us-east-1:123456789012:execution:deploy:local-execution");
    }

    @Test
    void migrationTaskFailsToStart_isRetried_thenNotifiesTheEcsError() {
        Machines.Execution run = run("MigrationTaskFailsToStart");

        assertThat(run.result().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.result().error()).isEqualTo("ECS.AmazonECSException");
        assertThat(run.callsTo("RunMigrations")).hasSize(4);   // first try + MaxAttempts 3
        assertThat(run.path()).containsExactly("Defaults", "ApplyDefaults", "RunMigrations", "MigrationsFailedToRun",
                "NotifyDeployFailed", "DeployFailed");
        assertThat(run.message()).contains("FAILED at step RunMigrations.\nError: ECS.AmazonECSException\n"
                + "Cause: RunTask failed: RESOURCE:ENI (no ENI capacity in subnet-0a1)\n");
    }

    @Test
    void webNeverStable_givesUpAfterMaxPolls_rollsWebBack_andNotifies() {
        ObjectNode input = (ObjectNode) Machines.json("events/statemachines/deploy-input.json");
        input.put("max_stable_polls", 3);
        Machines.Execution run = run("WebNeverStable", input);

        assertThat(run.result().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.result().error()).isEqualTo("ServiceNotStable");
        assertThat(run.callsTo("DescribeWebService")).hasSize(3);
        assertThat(run.path()).endsWith("WebStable?", "WebPollsLeft?", "WebNeverStable", "RollbackWebService",
                "NotifyDeployFailed", "DeployFailed");
        assertThat(run.callsTo("RollbackWebService").getFirst().input().get("TaskDefinition").asText()).isEqualTo("django-web:41");
        assertThat(run.calls()).noneMatch(c -> c.stateName().contains("Worker"));
        assertThat(run.message()).contains("FAILED at step WaitForWeb.\nError: ServiceNotStable\n"
                + "Cause: service django-web was not stable on django-web:42 after 3 polls 15 s apart\n"
                + "Web service django-web: rolled back to arn:aws:ecs:us-east-1:123456789012:task-definition/django-web:41\n"
                + "Worker service django-worker: unchanged, nothing to roll back\n");
    }

    @Test
    void webPollingIsBounded_byDefaultAt40Polls() {
        Machines.Execution run = run("WebNeverStable");

        assertThat(run.callsTo("DescribeWebService")).hasSize(40);
        assertThat(Collections.frequency(run.path(), "WaitForWeb")).isEqualTo(40);
        assertThat(run.result().error()).isEqualTo("ServiceNotStable");
    }

    @Test
    void webRolloutFailed_rollsWebBackAtOnce() {
        Machines.Execution run = run("WebRolloutFails");

        assertThat(run.result().error()).isEqualTo("DeploymentFailed");
        assertThat(run.path()).containsExactlyElementsOf(concat(START, List.of("UpdateWebService", "StartWebPolls",
                "WaitForWeb", "DescribeWebService", "CountWebPoll", "WebStable?", "WebRolloutFailed", "RollbackWebService",
                "NotifyDeployFailed", "DeployFailed")));
        assertThat(run.message()).contains("Cause: ECS marked the deployment of django-web:42 to service django-web FAILED");
    }

    @Test
    void workersFail_rollBackWorkersThenWeb_andNotify() {
        Machines.Execution run = run("WorkersFail");

        assertThat(run.result().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.result().error()).isEqualTo("DeploymentFailed");
        assertThat(run.path()).containsExactlyElementsOf(concat(START, WEB_TWO_POLLS, List.of("UpdateWorkerService",
                "StartWorkerPolls", "WaitForWorkers", "DescribeWorkerService", "CountWorkerPoll", "WorkersStable?",
                "WorkerPollsLeft?", "WaitForWorkers", "DescribeWorkerService", "CountWorkerPoll", "WorkersStable?",
                "WorkerRolloutFailed", "RollbackWorkerService", "RollbackWebService", "NotifyDeployFailed", "DeployFailed")));
        assertThat(run.callsTo("RollbackWorkerService").getFirst().input().get("TaskDefinition").asText()).isEqualTo("django-worker:41");
        assertThat(run.callsTo("RollbackWebService").getFirst().input().get("TaskDefinition").asText()).isEqualTo("django-web:41");
        assertThat(run.message()).contains("FAILED at step WaitForWorkers.",
                "Web service django-web: rolled back to arn:aws:ecs:us-east-1:123456789012:task-definition/django-web:41",
                "Worker service django-worker: rolled back to arn:aws:ecs:us-east-1:123456789012:task-definition/django-worker:41");
    }

    @Test
    void aRollbackThatFails_isReported_andTheOtherRollbackAndNotificationStillHappen() {
        ObjectNode input = (ObjectNode) Machines.json("events/statemachines/deploy-input.json");
        input.put("max_stable_polls", 2);
        Machines.Execution run = run("WorkersNeverStableAndRollbackFails", input);

        assertThat(run.result().error()).isEqualTo("ServiceNotStable");
        assertThat(run.path()).endsWith("WorkersNeverStable", "RollbackWorkerService", "WorkerRollbackFailed",
                "RollbackWebService", "NotifyDeployFailed", "DeployFailed");
        assertThat(run.message()).contains("Worker service django-worker: ROLLBACK FAILED (Ecs.AccessDeniedException: "
                + "not authorized to perform ecs:UpdateService)", "Web service django-web: rolled back to");
    }
}
