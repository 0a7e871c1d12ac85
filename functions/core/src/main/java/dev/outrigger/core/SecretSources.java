package dev.outrigger.core;

import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Chooses the signing secret's source from the environment: a literal for local development, Secrets Manager or
 * SSM Parameter Store in AWS (through the {@link SecretStore} on the class path: the function's layer). The secret
 * is fetched once and cached for the life of the container.
 */
public final class SecretSources {
    public static final String LITERAL = "OUTRIGGER_SIGNING_SECRET";
    public static final String ARN = "OUTRIGGER_SIGNING_SECRET_ARN";

    /** Every cached source made here, weakly held, so a SnapStart restore can drop them all (see {@link #refreshAll()}). */
    private static final java.util.Set<Cached> CREATED =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    private SecretSources() {
    }

    /**
     * Drops every cached secret, so the next use fetches it again. Called after a SnapStart restore
     * ({@link SnapStartPriming}): a secret cached in a snapshot may have been rotated since, and AWS advises not to
     * carry secrets in snapshots (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html).
     */
    public static void refreshAll() {
        synchronized (CREATED) {
            CREATED.forEach(Cached::refresh);
        }
    }

    /**
     * A source that fetches once, on first use, and is dropped by {@link #refreshAll()} like the ones made by
     * {@link #fromEnv(Env)}: for a function that reads its secret some other way. {@code origin} names it in errors.
     */
    public static SecretSource cached(Supplier<String> fetch, String origin) {
        return new Cached(fetch, origin);
    }

    public static SecretSource fromEnv(Env env) {
        if (env.get(ARN).isPresent()) {
            String arn = env.get(ARN).get();
            SecretStore.Service service = SecretStore.Service.of(arn).orElseThrow(() -> new ConfigException(
                    ARN + " must be a Secrets Manager secret ARN or an SSM parameter ARN, got '" + arn + "'"));
            SecretStore store = store(service);
            return new Cached(() -> store.read(arn, env), arn);
        }
        if (env.get(LITERAL).isPresent()) {
            String literal = env.get(LITERAL).get();
            return new Cached(() -> literal, LITERAL);
        }
        throw new ConfigException("no signing secret: set " + ARN + " (in AWS) or " + LITERAL + " (locally)");
    }

    /** The store for a service: the one its module registers, found on the function's class path. */
    static SecretStore store(SecretStore.Service service) {
        for (SecretStore store : ServiceLoader.load(SecretStore.class, SecretSources.class.getClassLoader())) {
            if (store.service() == service) {
                return store;
            }
        }
        throw new ConfigException(ARN + " names a " + service.title() + " ARN, but this function has no " + service.title()
                + " store on its class path: it must ship " + service.module() + " (template.yaml gives each signing function the"
                + " layer that matches SigningSecretArn)");
    }

    /** Fetches on first use, not at construction, so a cold start that never signs pays nothing. */
    static final class Cached implements SecretSource {
        private final Supplier<String> fetch;
        private final String origin;
        private volatile String value;

        Cached(Supplier<String> fetch, String origin) {
            this.fetch = fetch;
            this.origin = origin;
            CREATED.add(this);
        }

        @Override
        public String secret() {
            String current = value;
            if (current == null) {
                synchronized (this) {
                    current = value;
                    if (current == null) {
                        try {
                            current = fetch.get();
                        } catch (RuntimeException e) {
                            // Never echo the secret; the origin (an ARN or variable name) is safe to name.
                            throw new ConfigException("cannot read the signing secret from " + origin + ": "
                                    + e.getClass().getSimpleName(), e);
                        }
                        if (current == null || current.isEmpty()) {
                            throw new ConfigException("the signing secret from " + origin + " is empty");
                        }
                        value = current;
                    }
                }
            }
            return current;
        }

        @Override
        public void refresh() {
            value = null;
        }
    }
}
