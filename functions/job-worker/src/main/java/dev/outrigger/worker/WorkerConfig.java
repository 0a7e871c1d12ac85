package dev.outrigger.worker;

import dev.outrigger.core.ConfigException;
import dev.outrigger.core.Env;
import java.time.Duration;
import java.util.Optional;

/**
 * The worker's knobs, read once from the environment.
 *
 * @param concurrency    how many jobs of one batch run at the same time
 * @param defaultTimeout one try's timeout when the envelope has no timeout_s
 * @param safetyMargin   time kept back from the invocation's deadline to report results; no job starts inside it
 * @param backoffBase    the first retry's delay bound (doubled per attempt, full jitter)
 * @param backoffCap     the largest backoff delay
 * @param dlqUrlOverride a DLQ URL to use instead of the source queue's RedrivePolicy target
 */
public record WorkerConfig(
        int concurrency,
        Duration defaultTimeout,
        Duration safetyMargin,
        Duration backoffBase,
        Duration backoffCap,
        Optional<String> dlqUrlOverride) {

    public static final String CONCURRENCY = "OUTRIGGER_WORKER_CONCURRENCY";
    public static final String JOB_TIMEOUT_S = "OUTRIGGER_JOB_TIMEOUT_S";
    public static final String SAFETY_MARGIN_MS = "OUTRIGGER_SAFETY_MARGIN_MS";
    public static final String BACKOFF_BASE_S = "OUTRIGGER_BACKOFF_BASE_S";
    public static final String BACKOFF_CAP_S = "OUTRIGGER_BACKOFF_CAP_S";
    public static final String DLQ_URL = "OUTRIGGER_DLQ_URL";

    public WorkerConfig {
        if (concurrency < 1 || concurrency > 1000) {
            throw new ConfigException(CONCURRENCY + " must be between 1 and 1000, got " + concurrency);
        }
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new ConfigException(JOB_TIMEOUT_S + " must be at least 1");
        }
        if (safetyMargin.isNegative()) {
            throw new ConfigException(SAFETY_MARGIN_MS + " must not be negative");
        }
        if (backoffBase.isNegative() || backoffCap.isNegative()) {
            throw new ConfigException(BACKOFF_BASE_S + " and " + BACKOFF_CAP_S + " must not be negative");
        }
        if (backoffCap.compareTo(Backoff.SQS_MAX_VISIBILITY) > 0) {
            throw new ConfigException(BACKOFF_CAP_S + " must be at most 43200 (SQS's 12 h visibility limit)");
        }
        dlqUrlOverride = dlqUrlOverride == null ? Optional.empty() : dlqUrlOverride;
    }

    public static WorkerConfig fromEnv(Env env) {
        return new WorkerConfig(
                env.intOr(CONCURRENCY, 10),
                Duration.ofSeconds(env.intOr(JOB_TIMEOUT_S, 30)),
                Duration.ofMillis(env.intOr(SAFETY_MARGIN_MS, 5_000)),
                Duration.ofSeconds(env.intOr(BACKOFF_BASE_S, 5)),
                Duration.ofSeconds(env.intOr(BACKOFF_CAP_S, 900)),
                env.get(DLQ_URL));
    }
}
