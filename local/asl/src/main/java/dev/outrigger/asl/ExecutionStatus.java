package dev.outrigger.asl;

/** How an execution ended, or RUNNING: it had not ended when its {@link ExecutionOptions#horizon()} passed. */
public enum ExecutionStatus {
    SUCCEEDED, FAILED, TIMED_OUT, RUNNING
}
