package dev.outrigger.worker;

/** Where job outcomes go: logs and metrics in production, a list in tests. Must be thread-safe. */
public interface JobEvents {
    void record(JobReport report);

    /** End of a batch: metrics are written once per batch, not once per job. */
    void flush();
}
