package dev.outrigger.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

final class RecordingEvents implements JobEvents {
    final List<JobReport> reports = new CopyOnWriteArrayList<>();
    int flushes;

    @Override
    public void record(JobReport report) {
        reports.add(report);
    }

    @Override
    public synchronized void flush() {
        flushes++;
    }

    JobReport forJob(String jobId) {
        return reports.stream().filter(r -> jobId.equals(r.jobId())).findFirst().orElseThrow();
    }
}
