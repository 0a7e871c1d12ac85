package dev.outrigger.local.runtime;

/**
 * A piece of the local runtime contributed by another module (schedules, alarms…). Implementations are found with
 * {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.outrigger.local.runtime.RuntimeExtension}) or passed in
 * {@link RuntimeOptions.Builder#extension(RuntimeExtension)}. {@link #start} runs after queues, functions, pollers and
 * the emulator are up (register emulated APIs there with {@code runtime.emulator().register(...)});
 * {@link #close} runs first on shutdown, in reverse order.
 */
public interface RuntimeExtension extends AutoCloseable {
    String name();

    void start(LocalRuntime runtime) throws Exception;

    /** One line for the `local up` banner, or null. */
    default String describe() {
        return null;
    }

    @Override
    default void close() throws Exception {
    }
}
