package dev.outrigger.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outrigger.core.JobEnvelope;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeOptions;
import dev.outrigger.testing.TestTemplates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@code outrigger jobs send} onto a FIFO queue of the local runtime (pollers off, so the messages stay): the
 * MessageGroupId is {@code --group-id}, the MessageDeduplicationId the job id (a re-send within SQS's window is one
 * message), and what would be wrong is refused before anything is sent.
 */
class JobsSendCommandIT {
    private static LocalRuntime runtime;
    private static String template;

    @BeforeAll
    static void start() throws Exception {
        Path path = TestTemplates.path("fifo-worker.yaml");
        template = path.toString();
        runtime = LocalRuntime.start(RuntimeOptions.builder(path).port(0).pollers(false).serviceLoaderExtensions(false).build());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static SfnCli.Result send(String... options) {
        List<String> args = new ArrayList<>(List.of("jobs", "send", "-t", template, "--endpoint-url",
                runtime.sqsEndpoint().toString(), "--queue", "OrderedJobsQueue"));
        args.addAll(List.of(options));
        return SfnCli.run(args.toArray(String[]::new));
    }

    private static List<Message> receiveAll() {
        List<Message> out = new ArrayList<>();
        List<Message> got;
        do {
            got = runtime.sqs().receiveMessage(b -> b.queueUrl(runtime.queueUrl("OrderedJobsQueue")).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            out.addAll(got);
            got.forEach(m -> runtime.sqs().deleteMessage(b -> b.queueUrl(runtime.queueUrl("OrderedJobsQueue"))
                    .receiptHandle(m.receiptHandle())));
        } while (!got.isEmpty());
        return out;
    }

    @Test
    void fifo_groupIdIsTheGroup_theJobIdTheDedupId_soAResendIsOneMessage() throws Exception {
        assertThat(send("--type", "django.task", "--payload", "{\"task\":\"billing:charge\"}", "--job-id", "order-42",
                "--group-id", "customer-42").exitCode()).isZero();
        assertThat(send("--type", "django.task", "--payload", "{\"task\":\"billing:charge\"}", "--job-id", "order-42",
                "--group-id", "customer-42").exitCode()).isZero();

        List<Message> messages = receiveAll();
        assertThat(messages).singleElement().satisfies(m -> {
            assertThat(m.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "customer-42")
                    .containsEntry(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, "order-42");
            assertThat(JobEnvelope.parse(m.body()).payload().get("task").asText()).isEqualTo("billing:charge");
        });
    }

    @Test
    void whatWouldBeWrong_isRefused_andNothingIsSent() {
        SfnCli.Result delayed = send("--type", "events.put", "--delay", "5", "--group-id", "G");
        assertThat(delayed.exitCode()).isEqualTo(OutriggerCli.USAGE);
        assertThat(delayed.err()).contains("--delay: a FIFO queue has no per-message delay");

        SfnCli.Result badTask = send("--type", "django.task", "--payload", "{\"task\":\"reports/../admin\"}", "--group-id", "G");
        assertThat(badTask.exitCode()).isEqualTo(OutriggerCli.USAGE);
        assertThat(badTask.err()).contains("a django.task payload needs \"task\", a task name (1 to 128 characters matching");

        SfnCli.Result badId = send("--type", "events.put", "--job-id", "job 1", "--group-id", "G");
        assertThat(badId.exitCode()).isEqualTo(OutriggerCli.USAGE);
        assertThat(badId.err()).contains("the envelope is not valid: id:");

        assertThat(receiveAll()).isEmpty();
    }
}
