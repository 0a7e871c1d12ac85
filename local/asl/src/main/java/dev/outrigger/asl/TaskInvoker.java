package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;

/** Runs a Task state's resource. Implementations: {@link MockConfigTaskInvoker}, {@link CompositeTaskInvoker}. */
@FunctionalInterface
public interface TaskInvoker {
    /**
     * @return the task result (before ResultSelector)
     * @throws TaskFailure with the error name and cause the Task state then retries or catches
     */
    JsonNode invoke(TaskRequest request) throws TaskFailure;
}
