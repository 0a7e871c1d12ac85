package dev.outrigger.core;

import java.util.function.Supplier;

/**
 * A supplier that builds its value on first use, once, thread-safely: AWS clients are built only when a function
 * first needs them, so a cold start that never calls a service never pays for building its client.
 */
public final class Memo<T> implements Supplier<T> {
    private final Supplier<T> factory;
    private volatile T value;

    private Memo(Supplier<T> factory) {
        this.factory = factory;
    }

    public static <T> Memo<T> of(Supplier<T> factory) {
        return new Memo<>(factory);
    }

    @Override
    public T get() {
        T current = value;
        if (current == null) {
            synchronized (this) {
                current = value;
                if (current == null) {
                    current = factory.get();
                    value = current;
                }
            }
        }
        return current;
    }
}
