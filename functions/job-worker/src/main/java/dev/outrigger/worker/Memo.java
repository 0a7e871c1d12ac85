package dev.outrigger.worker;

import java.util.function.Supplier;

/** A supplier that builds its value on first use, once, thread-safely (clients are built only when needed). */
final class Memo<T> implements Supplier<T> {
    private final Supplier<T> factory;
    private volatile T value;

    private Memo(Supplier<T> factory) {
        this.factory = factory;
    }

    static <T> Memo<T> of(Supplier<T> factory) {
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
