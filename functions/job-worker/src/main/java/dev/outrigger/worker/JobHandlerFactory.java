package dev.outrigger.worker;

import dev.outrigger.core.Env;

/**
 * Makes a {@link JobHandler} from the function's environment. How a user adds a job type: implement this (and the
 * handler), list the class in {@code META-INF/services/dev.outrigger.worker.JobHandlerFactory}; the worker finds it
 * with {@link java.util.ServiceLoader}, so template.yaml's handler string does not change. See the module README.
 *
 * <p>{@link #create(Env)} runs on the first job of that type, not at cold start, so a batch that never uses a type
 * never builds its clients.
 */
public interface JobHandlerFactory {
    String type();

    JobHandler create(Env env);
}
