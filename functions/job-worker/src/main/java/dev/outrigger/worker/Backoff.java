package dev.outrigger.worker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * How long a failed job waits before SQS hands it out again: capped exponential backoff with full jitter
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), applied as the message's
 * visibility timeout, which SQS limits to 12 hours
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
 */
public final class Backoff {
    public static final Duration SQS_MAX_VISIBILITY = Duration.ofHours(12);

    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.base = base;
        this.cap = min(cap, SQS_MAX_VISIBILITY);
        this.random = random;
    }

    /** The ceiling for a given attempt before jitter: min(cap, base * 2^(attempt-1)). */
    public Duration ceiling(int attempt) {
        int exponent = Math.max(0, Math.min(attempt - 1, 40));
        long ceilingMillis;
        try {
            ceilingMillis = Math.multiplyExact(base.toMillis(), 1L << exponent);
        } catch (ArithmeticException overflow) {
            ceilingMillis = Long.MAX_VALUE;
        }
        return min(Duration.ofMillis(ceilingMillis), cap);
    }

    /**
     * The visibility timeout in whole seconds for a retry after {@code attempt} tries. A Retry-After from the remote
     * side wins over the backoff (it knows when it will be ready), but still never goes past SQS's 12 hours.
     */
    public int visibilitySeconds(int attempt, Duration retryAfter) {
        Duration delay;
        if (retryAfter != null && !retryAfter.isNegative()) {
            delay = min(retryAfter, SQS_MAX_VISIBILITY);
            // Round up: retrying before the server's stated time only earns another 429.
            long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
            return (int) Math.min(seconds, SQS_MAX_VISIBILITY.getSeconds());
        }
        long ceilingMillis = ceiling(attempt).toMillis();
        long jittered = ceilingMillis == 0 ? 0 : random.nextLong(ceilingMillis + 1);
        return (int) Math.min(jittered / 1000, SQS_MAX_VISIBILITY.getSeconds());
    }

    /**
     * The randomness for jitter in production: it only has to spread retries apart, so no {@code SecureRandom}
     * (a provider lookup and a seed read on every cold start, for a value that protects nothing). Thread-safe, since
     * the jobs of a batch settle on their own threads. Safe under SnapStart: every draw stirs in
     * {@link System#nanoTime()}, so environments restored from one snapshot, which share this generator's state,
     * still draw different delays (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html asks
     * exactly that of random sequences in a snapshot).
     */
    public static RandomGenerator jitter() {
        return new Jitter(System.nanoTime());
    }

    /** SplitMix64 (Steele, Lea, Flood 2014) over a shared atomic state whose step adds the clock. */
    static final class Jitter implements RandomGenerator {
        private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
        private final AtomicLong state;

        Jitter(long seed) {
            this.state = new AtomicLong(seed);
        }

        @Override
        public long nextLong() {
            long z = state.addAndGet(GOLDEN_GAMMA ^ System.nanoTime());
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
