package dev.outrigger.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's fallback without Outrigger's CLI: the AWS CLI's own {@code aws sqs start-message-move-task}
 * against an embedded ElasticMQ (1.7.1 implements StartMessageMoveTask, ListMessageMoveTasks and
 * CancelMessageMoveTask). Runs `aws` from PATH with dummy credentials; skipped when it is not installed.
 */
class AwsCliMoveTaskIT {
    static ElasticMq mq;

    @BeforeAll
    static void start() {
        mq = new ElasticMq();
    }

    @AfterAll
    static void stop() {
        mq.close();
    }

    record Run(int exit, String out) {
    }

    static Run aws(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", mq.endpoint.toString(), "--region", "us-east-1", "--output", "json"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_PAGER", "");
        env.remove("AWS_PROFILE");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            assumeTrue(false, "aws CLI not on PATH: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("aws exits").isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void awsCli_startMessageMoveTask_movesTheDlqBackToItsQueue_andListsTheTask() throws Exception {
        String[] q = mq.jobsAndDlq("cli-jobs", 5);
        DeadLetterSeed.seed(mq.sqs, q[1], "cli-jobs", 30, Instant.now(), i -> 0);

        Run start = aws("sqs", "start-message-move-task", "--source-arn", mq.arn(q[1]), "--destination-arn", mq.arn(q[0]));
        assertThat(start.exit()).as(start.out()).isZero();
        assertThat(start.out()).contains("TaskHandle");

        ElasticMq.await("30 messages back on cli-jobs", Duration.ofSeconds(20), () -> mq.visible(q[0]) == 30);
        assertThat(mq.visible(q[1])).isZero();

        Run list = aws("sqs", "list-message-move-tasks", "--source-arn", mq.arn(q[1]));
        assertThat(list.exit()).as(list.out()).isZero();
        assertThat(list.out()).contains(mq.arn(q[1]));
        // Our CLI's view of the same task.
        RedriveReport status = new DlqRedriver(mq.sqs, r -> { }).moveTaskStatus(q[1], "test");
        assertThat(status.moveTasks()).isNotEmpty();
    }
}
