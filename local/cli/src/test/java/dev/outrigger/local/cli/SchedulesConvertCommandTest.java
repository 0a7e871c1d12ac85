package dev.outrigger.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SchedulesConvertCommandTest {
    @TempDir
    Path dir;

    @Test
    void convert_writesYamlToStdout_andRefusalsWithLineToStderr_exit2() throws Exception {
        Path crontab = dir.resolve("crontab");
        Files.writeString(crontab, """
                # m h dom mon dow command
                MAILTO=ops@example.com
                CRON_TZ=Europe/Berlin
                0 3 * * * cd /srv/app && ./manage.py clearsessions
                30 2 * * * /srv/venv/bin/python manage.py send_digest --daily >> /var/log/digest.log 2>&1
                @reboot python manage.py warm_cache
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SchedulesCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("convert", crontab.toString());

        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains("ScheduleClearsessions:").contains("ScheduleSendDigest:")
                .contains("ScheduleExpressionTimezone: Europe/Berlin").contains("# WARNING: DST spring-forward");
        assertThat(err.toString()).contains("refused: crontab:6: @reboot runs at boot")
                .contains("warning: crontab:5 (send_digest)").contains("2 schedule(s) written, 1 refused");
    }

    private int convert(String fileName, String content, StringWriter out, StringWriter err, String... options) throws Exception {
        Path file = dir.resolve(fileName);
        Files.writeString(file, content);
        CommandLine cli = new CommandLine(new SchedulesCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("convert", file.toString()));
        args.addAll(java.util.List.of(options));
        return cli.execute(args.toArray(String[]::new));
    }

    @Test
    void convert_otherCrontabCommand_writesItsScheduleAndSaysTheHookIsToWrite_exit4_strictRefuses_exit2() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String crontab = "0 3 * * * ./manage.py clearsessions\n30 3 * * * /srv/app/bin/report --daily\n";

        assertThat(convert("crontab", crontab, out, err)).isEqualTo(SchedulesCommand.Convert.EXIT_HOOKS_TO_WRITE);
        assertThat(out.toString()).contains("ScheduleClearsessions:").contains("ScheduleReport:")
                .contains("# WRITE IN DJANGO: @outrigger_hook(\"report\")");
        assertThat(err.toString()).contains("hook to write in Django: crontab:2 (report): @outrigger_hook(\"report\")")
                .contains("2 schedule(s) written, 0 refused, 1 hook(s) to write in Django");

        StringWriter strictErr = new StringWriter();
        assertThat(convert("crontab", crontab, new StringWriter(), strictErr, "--strict")).isEqualTo(SchedulesCommand.Convert.EXIT_REFUSED);
        assertThat(strictErr.toString()).contains("refused: crontab:2: command '/srv/app/bin/report --daily' is not a Django management command");
    }

    @Test
    void convert_settingsFileItCannotEvaluate_pointsToTheExportCommand_exit3() throws Exception {
        StringWriter err = new StringWriter();
        int code = convert("settings.py", """
                from celery.schedules import crontab
                CELERY_BEAT_SCHEDULE = {"nightly": {"task": "a.b", "schedule": crontab(minute=0, hour=3)}}
                CELERY_BEAT_SCHEDULE["ping"] = {"task": "health.ping", "schedule": PERIOD}
                """, new StringWriter(), err);
        assertThat(code).isEqualTo(SchedulesCommand.Convert.EXIT_NEEDS_EXPORT);
        assertThat(err.toString()).contains("cannot evaluate: settings.py:3: assigns entries into CELERY_BEAT_SCHEDULE one by one")
                .contains("1 schedule(s) written, 0 refused, 1 not evaluated")
                .contains("python manage.py outrigger_export_beat > beat.json\n  outrigger schedules convert beat.json");
    }

    @Test
    void convert_everythingConverted_exit0() throws Exception {
        StringWriter err = new StringWriter();
        assertThat(convert("crontab", "0 3 * * * ./manage.py clearsessions\n", new StringWriter(), err)).isZero();
        assertThat(err.toString()).contains("1 schedule(s) written, 0 refused");
    }
}
