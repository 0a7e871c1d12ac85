package dev.outrigger.worker;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.outrigger.core.Env;
import java.io.PrintStream;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON log line per job (Powertools logging, log4j2 JSON layout) and EMF metrics per batch. Only ids, names,
 * numbers and error classes are logged: never payloads, bodies, reason texts (they may quote a response body),
 * secrets or signature headers.
 */
public final class LoggingJobEvents implements JobEvents {
    private static final Logger LOG = LoggerFactory.getLogger("dev.outrigger.worker.jobs");

    private final EmfMetrics metrics;

    public LoggingJobEvents(EmfMetrics metrics) {
        this.metrics = metrics;
    }

    public static LoggingJobEvents fromEnv(Env env, PrintStream out) {
        return new LoggingJobEvents(new EmfMetrics(
                env.get("POWERTOOLS_METRICS_NAMESPACE").orElse("Outrigger"),
                env.get("POWERTOOLS_SERVICE_NAME").orElse(null),
                out, Clock.systemUTC()));
    }

    @Override
    public void record(JobReport report) {
        metrics.record(report);
        String message = "job " + report.outcome().label();
        Object[] fields = {
                entry("job_id", report.jobId()),
                entry("type", report.type()),
                entry("attempt", report.attempt()),
                entry("outcome", report.outcome().label()),
                entry("duration_ms", report.durationMs()),
                entry("error_class", report.errorClass()),
                entry("message_id", report.messageId()),
                entry("duplicates", report.duplicates()),
        };
        switch (report.outcome()) {
            case SUCCEEDED -> LOG.info(message, fields);
            case RETRIED, NOT_STARTED, HELD -> LOG.warn(message, fields);
            case DEAD_LETTERED, DEAD_LETTER_FAILED -> LOG.error(message, fields);
        }
    }

    @Override
    public void flush() {
        metrics.flush();
    }
}
