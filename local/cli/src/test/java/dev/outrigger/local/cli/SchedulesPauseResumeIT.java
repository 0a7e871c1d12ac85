package dev.outrigger.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.LocalScheduler;
import dev.outrigger.local.runtime.RuntimeOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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

/**
 * The real SchedulerClient and {@code outrigger schedules pause|resume} against the runtime's Scheduler emulator: the
 * REST-JSON shapes the toggle function and the CLI use.
 */
class SchedulesPauseResumeIT {
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
            c.updateSchedule(dev.outrigger.schedule.ScheduleGroupToggle.update(full, ScheduleState.DISABLED));
            assertThat(c.getSchedule(b -> b.groupName("outrigger-dev").name("nightly")).state()).isEqualTo(ScheduleState.DISABLED);

            // The CLI: resume enables it again, pause disables it, a name not in the group is reported (exit 1).
            String endpoint = rt.emulatorEndpoint().toString();
            java.io.StringWriter out = new java.io.StringWriter();
            picocli.CommandLine cli = new picocli.CommandLine(new SchedulesCommand()).setOut(new java.io.PrintWriter(out))
                    .setErr(new java.io.PrintWriter(new java.io.StringWriter()));
            assertThat(cli.execute("resume", "--endpoint-url", endpoint)).isZero();
            assertThat(c.getSchedule(b -> b.groupName("outrigger-dev").name("nightly")).state()).isEqualTo(ScheduleState.ENABLED);
            assertThat(cli.execute("pause", "--endpoint-url", endpoint)).isZero();
            assertThat(c.getSchedule(b -> b.groupName("outrigger-dev").name("nightly")).state()).isEqualTo(ScheduleState.DISABLED);
            assertThat(out.toString()).contains("resumed nightly", "paused nightly", "1 paused");
            assertThat(cli.execute("resume", "--endpoint-url", endpoint, "gone")).isEqualTo(1);
            assertThatThrownBy(() -> c.getSchedule(b -> b.groupName("outrigger-dev").name("gone")))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }
}
