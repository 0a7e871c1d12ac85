package dev.outrigger.local.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeOptions;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleState;

/** The real SchedulerClient against the runtime's emulator: the REST-JSON shapes the toggle function and CLI use. */
class LocalSchedulerIT {
    @TempDir
    Path dir;

    @Test
    void schedulerClient_listsGetsAndPausesTemplateSchedules_onTheEmulator() throws Exception {
        Path template = dir.resolve("template.yaml");
        Files.writeString(template, """
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Nightly:
                    Type: AWS::Scheduler::Schedule
                    Properties:
                      Name: nightly
                      GroupName: outrigger-dev
                      ScheduleExpression: cron(0 3 * * ? *)
                      ScheduleExpressionTimezone: Europe/Berlin
                      FlexibleTimeWindow: {Mode: "OFF"}
                      State: ENABLED
                      Target:
                        Arn: arn:aws:lambda:us-east-1:000000000000:function:elsewhere
                        RoleArn: arn:aws:iam::000000000000:role/r
                        Input: '{"hook":"clearsessions"}'
                """);
        LocalScheduler scheduler = new LocalScheduler();
        try (LocalRuntime rt = LocalRuntime.start(RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                .extension(scheduler).stopGrace(Duration.ofSeconds(2)).console(new PrintStream(new ByteArrayOutputStream())).build());
             SchedulerClient c = SchedulerClient.builder().endpointOverride(rt.emulatorEndpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            assertThat(c.listSchedules(b -> b.groupName("outrigger-dev")).schedules())
                    .singleElement().satisfies(s -> assertThat(s.name()).isEqualTo("nightly"));
            var full = c.getSchedule(b -> b.groupName("outrigger-dev").name("nightly"));
            assertThat(full.scheduleExpressionTimezone()).isEqualTo("Europe/Berlin");
            c.updateSchedule(SchedulesCommand.update(full, "DISABLED"));
            assertThat(c.getSchedule(b -> b.groupName("outrigger-dev").name("nightly")).state()).isEqualTo(ScheduleState.DISABLED);
            assertThatThrownBy(() -> c.getSchedule(b -> b.groupName("outrigger-dev").name("gone")))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }
}
