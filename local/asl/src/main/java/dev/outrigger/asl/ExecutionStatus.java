package dev.outrigger.asl;

/** How an execution ended. */
public enum ExecutionStatus {
    SUCCEEDED, FAILED, TIMED_OUT
}
