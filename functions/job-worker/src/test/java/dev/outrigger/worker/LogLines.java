package dev.outrigger.worker;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Loaded by {@link Log4jPluginIndexTest} in a class loader of its own: starts log4j2 with a given configuration,
 * logs what the worker logs for a job (a line with structured fields, an error with an exception) and returns what
 * the console appender wrote.
 */
public final class LogLines {
    private LogLines() {
    }

    public static String emit(String configuration) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        // The console appender takes System.out when it is built, so swap it first.
        System.setOut(new PrintStream(written, true, StandardCharsets.UTF_8));
        LoggerContext context = Configurator.initialize("log4j-plugin-index-test", LogLines.class.getClassLoader(), URI.create(configuration));
        try {
            Logger log = context.getLogger("dev.outrigger.worker.jobs");
            log.info("job succeeded", entry("job_id", "job-1"), entry("attempt", 2));
            log.error("job dead-lettered", new IllegalStateException("boom"));
        } finally {
            Configurator.shutdown(context);
            System.setOut(stdout);
        }
        return written.toString(StandardCharsets.UTF_8);
    }
}
