package dev.outrigger.core;

/** Where the shared signing secret comes from. Implementations cache; {@link #refresh()} drops the cache. */
public interface SecretSource {
    String secret();

    void refresh();
}
