package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleState;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The real SchedulerClient against the runtime's emulator: the REST-JSON shapes the toggle function and CLI use. */
class LocalSchedulerIT {
    @TempDir
    Path dir;

    /** Always fails, as a hook whose Django endpoint answers 500 would. */
    public static final class FailingHook implements RequestHandler<Map<String, Object>, String> {
        @Override
        public String handleRequest(Map<String, Object> input, Context context) {
            throw new IllegalStateException("Django answered 500 for " + input.get("hook"));
        }
    }

    @Test
    void failingSchedule_isRetriedPerItsRetryPolicy_thenGoesToItsOwnDlq_orIsDroppedWithoutOne() throws Exception {
        Path template = dir.resolve("template.yaml");
        Files.writeString(template, """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  HookDLQ:
                    Type: AWS::SQS::Queue
                  SchedulerDLQ:
                    Type: AWS::SQS::Queue
                  HookFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: dev.outrigger.local.runtime.LocalSchedulerIT$FailingHook
                  WithDlq:
                    Type: AWS::Scheduler::Schedule
                    Properties:
                      Name: with-dlq
                      ScheduleExpression: cron(0 3 * * ? *)
                      FlexibleTimeWindow: {Mode: "OFF"}
                      Target:
                        Arn: !GetAtt HookFunction.Arn
                        RoleArn: arn:aws:iam::000000000000:role/r
                        Input: '{"hook":"clearsessions"}'
                        RetryPolicy: {MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 60}
                        DeadLetterConfig: {Arn: !GetAtt HookDLQ.Arn}
                  WithoutDlq:
                    Type: AWS::Scheduler::Schedule
                    Properties:
                      Name: without-dlq
                      ScheduleExpression: cron(0 3 * * ? *)
                      FlexibleTimeWindow: {Mode: "OFF"}
                      Target:
                        Arn: !GetAtt HookFunction.Arn
                        RoleArn: arn:aws:iam::000000000000:role/r
                        Input: '{"hook":"health_ping"}'
                        RetryPolicy: {MaximumRetryAttempts: 0}
                """);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        LocalScheduler scheduler = new LocalScheduler(Clock.systemUTC(), Duration.ofMillis(10));
        try (LocalRuntime rt = LocalRuntime.start(RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                .extension(scheduler).stopGrace(Duration.ofSeconds(2)).console(new PrintStream(console, true, StandardCharsets.UTF_8)).build())) {
            LocalScheduler.Firing withDlq = scheduler.fireNow("with-dlq");
            LocalScheduler.Firing withoutDlq = scheduler.fireNow("without-dlq");

            assertThat(withDlq.succeeded()).isFalse();
            assertThat(withDlq.attempts()).isEqualTo(2);
            assertThat(withoutDlq.attempts()).isEqualTo(1);
            List<Message> dead = rt.sqs().receiveMessage(b -> b.queueUrl(rt.queueUrl("HookDLQ")).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All")).messages();
            assertThat(dead).singleElement().satisfies(m -> {
                assertThat(m.body()).isEqualTo("{\"hook\":\"clearsessions\"}");
                assertThat(m.messageAttributes().get("RETRY_ATTEMPTS").stringValue()).isEqualTo("1");
                assertThat(m.messageAttributes().get("ERROR_MESSAGE").stringValue()).contains("Django answered 500 for clearsessions");
            });
            // The template's SchedulerDLQ is not used by a schedule that does not name it.
            assertThat(rt.sqs().getQueueAttributes(b -> b.queueUrl(rt.queueUrl("SchedulerDLQ"))
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes())
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0");
            assertThat(console.toString(StandardCharsets.UTF_8))
                    .contains("without-dlq failed after 1 attempt(s)")
                    .contains("the schedule has no DeadLetterConfig, the event is dropped");
        }
    }

    @Test
    void createdAtSchedule_withAQueueTarget_sendsItsInputAtItsTime_thenDeletesItself() throws Exception {
        Path template = dir.resolve("template.yaml");
        Files.writeString(template, """
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  JobsDefaultQueue:
                    Type: AWS::SQS::Queue
                    Properties:
                      QueueName: outrigger-dev-jobs-default
                  DeferredScheduleGroup:
                    Type: AWS::Scheduler::ScheduleGroup
                    Properties:
                      Name: outrigger-dev-deferred
                """);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (LocalRuntime rt = LocalRuntime.start(RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                .extension(new LocalScheduler()).stopGrace(Duration.ofSeconds(2))
                .console(new PrintStream(console, true, StandardCharsets.UTF_8)).build());
             SchedulerClient c = SchedulerClient.builder().endpointOverride(rt.emulatorEndpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            String queueArn = rt.template().queue("JobsDefaultQueue").orElseThrow().arn();
            String queueUrl = rt.queueUrl("JobsDefaultQueue");
            String envelope = "{\"version\":1,\"id\":\"t-1\",\"type\":\"django.task\",\"payload\":{\"task\":\"shop.tasks.x\"},"
                    + "\"created_at\":\"2026-01-01T00:00:00Z\"}";
            // a whole second a little ahead, as Django's backend writes it (at() in UTC has no fractions)
            java.time.Instant at = java.time.Instant.now().plusSeconds(3).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            String when = "at(" + java.time.LocalDateTime.ofInstant(at, java.time.ZoneOffset.UTC) + ")";
            java.util.function.Function<String, software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest> request = name ->
                    software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest.builder().name(name)
                            .groupName("outrigger-dev-deferred").scheduleExpression(when).scheduleExpressionTimezone("UTC")
                            .flexibleTimeWindow(f -> f.mode(software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode.OFF))
                            .actionAfterCompletion(software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion.DELETE)
                            .target(t -> t.arn(queueArn).roleArn("arn:aws:iam::000000000000:role/deferred").input(envelope))
                            .clientToken(name).build();

            c.createSchedule(request.apply("task-t-1"));
            c.createSchedule(request.apply("task-cancelled"));
            assertThat(c.listSchedules(b -> b.groupName("outrigger-dev-deferred")).schedules())
                    .extracting(software.amazon.awssdk.services.scheduler.model.ScheduleSummary::name)
                    .containsExactly("task-t-1", "task-cancelled");
            assertThat(c.getSchedule(b -> b.groupName("outrigger-dev-deferred").name("task-t-1")).scheduleExpression()).isEqualTo(when);
            // what Scheduler refuses is refused here too
            assertThatThrownBy(() -> c.createSchedule(request.apply("task-t-1")))
                    .isInstanceOf(software.amazon.awssdk.services.scheduler.model.ConflictException.class);
            assertThatThrownBy(() -> c.createSchedule(request.apply("task-x").toBuilder().groupName("no-such-group").build()))
                    .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("no-such-group");
            assertThatThrownBy(() -> c.createSchedule(request.apply("task-y").toBuilder()
                    .target(t -> t.arn("arn:aws:sqs:us-east-1:000000000000:elsewhere").roleArn("arn:aws:iam::000000000000:role/r")).build()))
                    .isInstanceOf(software.amazon.awssdk.services.scheduler.model.ValidationException.class)
                    .hasMessageContaining("not a queue of the template");
            assertThatThrownBy(() -> c.createSchedule(request.apply("task-z").toBuilder().scheduleExpression("at(tomorrow)").build()))
                    .isInstanceOf(software.amazon.awssdk.services.scheduler.model.ValidationException.class)
                    .hasMessageContaining("yyyy-mm-ddThh:mm:ss");
            c.deleteSchedule(b -> b.groupName("outrigger-dev-deferred").name("task-cancelled"));

            // It fires at its time: the message arrives with the Input as its body, not sent before `at`.
            List<Message> received = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                received = rt.sqs().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .messageSystemAttributeNamesWithStrings("SentTimestamp")).messages();
            }
            assertThat(received).singleElement().satisfies(m -> {
                assertThat(m.body()).isEqualTo(envelope);
                assertThat(Long.parseLong(m.attributesAsStrings().get("SentTimestamp"))).isGreaterThanOrEqualTo(at.toEpochMilli());
            });
            // ActionAfterCompletion DELETE: gone after its one fire; the deleted one never fired
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean gone = false;
            while (!gone && System.nanoTime() < deadline) {
                gone = c.listSchedules(b -> b.groupName("outrigger-dev-deferred")).schedules().isEmpty();
            }
            assertThat(gone).isTrue();
            assertThatThrownBy(() -> c.getSchedule(b -> b.groupName("outrigger-dev-deferred").name("task-t-1")))
                    .isInstanceOf(ResourceNotFoundException.class);
            assertThat(rt.sqs().receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)).messages()).isEmpty();
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("task-t-1 completed and was deleted");
        }
    }

    /**
     * What Django's backend sends (outrigger_django.deferred.schedule, boto3), against the emulator: accepted and fired.
     * Skipped when /usr/bin/python3 has no Django and boto3 (with CI=true it fails instead).
     */
    @Test
    void djangoBackendsCreateScheduleThroughBoto3_isAcceptedAndFired() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Path client = Path.of("").toAbsolutePath().resolve("../../clients/django").normalize();
        boolean usable = Files.isExecutable(python) && new ProcessBuilder(python.toString(), "-c", "import boto3, django")
                .redirectErrorStream(true).start().waitFor() == 0;
        if (!"true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(usable, "/usr/bin/python3 has no boto3 and Django");
        }
        Path template = dir.resolve("template.yaml");
        Files.writeString(template, """
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  JobsDefaultQueue:
                    Type: AWS::SQS::Queue
                    Properties:
                      QueueName: outrigger-dev-jobs-default
                  DeferredScheduleGroup:
                    Type: AWS::Scheduler::ScheduleGroup
                    Properties:
                      Name: outrigger-dev-deferred
                """);
        try (LocalRuntime rt = LocalRuntime.start(RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                .extension(new LocalScheduler()).stopGrace(Duration.ofSeconds(2))
                .console(new PrintStream(new ByteArrayOutputStream())).build())) {
            String queueUrl = rt.queueUrl("JobsDefaultQueue");
            long at = java.time.Instant.now().plusSeconds(3).getEpochSecond();
            String script = """
                    import datetime, sys
                    import django
                    from django.conf import settings
                    from urllib.parse import urlsplit
                    sqs_endpoint = "{0.scheme}://{0.netloc}".format(urlsplit(sys.argv[1]))
                    settings.configure(OUTRIGGER={"QUEUES": {"default": sys.argv[1]}, "REGION": "us-east-1",
                                                  "ENDPOINT_URL": sqs_endpoint})
                    django.setup()
                    from outrigger_django import deferred, publisher
                    job = publisher.prepare("django.task", {"task": "shop.tasks.x", "args": [], "kwargs": {}}, job_id="boto3-1")
                    when = datetime.datetime.fromtimestamp(int(sys.argv[2]), datetime.timezone.utc)
                    deferred.schedule(job, when, group="outrigger-dev-deferred",
                                      role_arn="arn:aws:iam::000000000000:role/deferred", endpoint=sys.argv[3])
                    print(job.body)
                    """;
            ProcessBuilder pb = new ProcessBuilder(python.toString(), "-c", script, queueUrl, Long.toString(at),
                    rt.emulatorEndpoint().toString());
            pb.environment().put("PYTHONPATH", client.toString());
            pb.environment().put("AWS_ACCESS_KEY_ID", "local");
            pb.environment().put("AWS_SECRET_ACCESS_KEY", "local");
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            String body = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor()).isZero();
            assertThat(body).contains("\"id\":\"boto3-1\"");

            List<Message> received = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                received = rt.sqs().receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)).messages();
            }
            assertThat(received).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo(body));
        }
    }
}
