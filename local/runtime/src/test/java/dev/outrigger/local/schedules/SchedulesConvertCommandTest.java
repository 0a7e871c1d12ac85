package dev.outrigger.local.schedules;

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
}
