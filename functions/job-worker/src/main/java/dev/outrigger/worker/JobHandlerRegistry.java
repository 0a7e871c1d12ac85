package dev.outrigger.worker;

import dev.outrigger.core.Env;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Job type → handler. Handlers are built on first use (and their AWS/HTTP clients with them): a batch of
 * {@code django.task} jobs never loads the SNS or EventBridge client classes, which keeps cold starts short.
 */
public final class JobHandlerRegistry {
    private final Map<String, Lazy> handlers = new LinkedHashMap<>();

    /** The built-in types plus every {@link JobHandlerFactory} listed in META-INF/services. */
    public static JobHandlerRegistry fromEnv(Env env) {
        JobHandlerRegistry registry = new JobHandlerRegistry();
        registry.register(DjangoTaskHandler.TYPE, () -> DjangoTaskHandler.fromEnv(env));
        registry.register(WebhookHandler.TYPE, () -> WebhookHandler.fromEnv(env));
        registry.register(SnsPublishHandler.TYPE, () -> SnsPublishHandler.fromEnv(env));
        registry.register(EventsPutHandler.TYPE, () -> EventsPutHandler.fromEnv(env));
        for (JobHandlerFactory factory : ServiceLoader.load(JobHandlerFactory.class, JobHandlerRegistry.class.getClassLoader())) {
            registry.register(factory.type(), () -> factory.create(env));
        }
        return registry;
    }

    public JobHandlerRegistry register(JobHandler handler) {
        return register(handler.type(), () -> handler);
    }

    /** Registers a type built on first use. A type registered twice is a configuration error, not a silent override. */
    public synchronized JobHandlerRegistry register(String type, Supplier<JobHandler> factory) {
        if (handlers.containsKey(type)) {
            throw new IllegalStateException("job type '" + type + "' is registered twice");
        }
        handlers.put(type, new Lazy(type, factory));
        return this;
    }

    /**
     * The handler for a type, built now if this is its first use. Empty when no handler is registered; a factory that
     * fails (say, a missing environment variable) throws, and is tried again on the next job.
     */
    public Optional<JobHandler> find(String type) {
        Lazy lazy;
        synchronized (this) {
            lazy = handlers.get(type);
        }
        return lazy == null ? Optional.empty() : Optional.of(lazy.get());
    }

    public synchronized Set<String> types() {
        return Set.copyOf(handlers.keySet());
    }

    private static final class Lazy {
        private final String type;
        private final Supplier<JobHandler> factory;
        private volatile JobHandler value;

        Lazy(String type, Supplier<JobHandler> factory) {
            this.type = type;
            this.factory = factory;
        }

        JobHandler get() {
            JobHandler current = value;
            if (current == null) {
                synchronized (this) {
                    current = value;
                    if (current == null) {
                        current = factory.get();
                        if (current == null) {
                            throw new IllegalStateException("the factory for job type '" + type + "' returned null");
                        }
                        value = current;
                    }
                }
            }
            return current;
        }
    }
}
