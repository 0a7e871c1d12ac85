package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(900), new Random(42));

    @Test
    void ceiling_doublesPerAttempt_untilTheCap() {
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(80));
        assertThat(backoff.ceiling(8)).isEqualTo(Duration.ofSeconds(640));
        assertThat(backoff.ceiling(9)).isEqualTo(Duration.ofSeconds(900));
        assertThat(backoff.ceiling(10_000)).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void visibility_staysWithinZeroAndTheCeiling_forEveryAttempt() {
        for (int attempt = 1; attempt <= 30; attempt++) {
            long ceiling = backoff.ceiling(attempt).getSeconds();
            for (int i = 0; i < 500; i++) {
                assertThat(backoff.visibilitySeconds(attempt, null)).isBetween(0, (int) ceiling);
            }
        }
    }

    @Test
    void visibility_isFullJitter_spreadEvenlyOverTheRange() {
        // Attempt 9 and later: ceiling 900 s. Full jitter is uniform on [0, 900]: each tenth gets about 10%.
        int[] buckets = new int[10];
        int samples = 20_000;
        for (int i = 0; i < samples; i++) {
            int seconds = backoff.visibilitySeconds(12, null);
            buckets[Math.min(9, seconds / 90)]++;
        }
        for (int bucket : buckets) {
            assertThat(bucket).isBetween(samples / 10 - 300, samples / 10 + 300);
        }
    }

    @Test
    void visibility_isReproducible_withASeededRandom() {
        Backoff a = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(900), new Random(7));
        Backoff b = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(900), new Random(7));
        for (int attempt = 1; attempt < 12; attempt++) {
            assertThat(a.visibilitySeconds(attempt, null)).isEqualTo(b.visibilitySeconds(attempt, null));
        }
    }

    @Test
    void retryAfter_winsOverTheBackoff_roundedUp() {
        assertThat(backoff.visibilitySeconds(1, Duration.ofSeconds(120))).isEqualTo(120);
        assertThat(backoff.visibilitySeconds(1, Duration.ofMillis(1500))).isEqualTo(2);
        assertThat(backoff.visibilitySeconds(20, Duration.ZERO)).isZero();
    }

    @Test
    void retryAfter_beyondTwelveHours_isCappedAtSqsMaximum() {
        assertThat(backoff.visibilitySeconds(1, Duration.ofDays(3))).isEqualTo(43_200);
    }

    @Test
    void cap_aboveTwelveHours_isClampedToSqsMaximum() {
        Backoff huge = new Backoff(Duration.ofHours(1), Duration.ofDays(2), new Random(1));
        assertThat(huge.ceiling(50)).isEqualTo(Duration.ofHours(12));
        for (int i = 0; i < 100; i++) {
            assertThat(huge.visibilitySeconds(50, null)).isBetween(0, 43_200);
        }
    }

    @Test
    void zeroBase_meansImmediateRetry() {
        Backoff none = new Backoff(Duration.ZERO, Duration.ZERO, new Random(1));
        assertThat(none.visibilitySeconds(3, null)).isZero();
    }

    @Test
    void productionJitter_isFullJitter_fromEveryThread() throws Exception {
        Backoff production = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(900), Backoff.jitter());
        int threads = 8;
        int perThread = 2_500;
        int[] buckets = new int[10];
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<int[]>> parts = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                parts.add(pool.submit(() -> {
                    int[] mine = new int[10];
                    for (int i = 0; i < perThread; i++) {
                        int seconds = production.visibilitySeconds(12, null);
                        assertThat(seconds).isBetween(0, 900);
                        mine[Math.min(9, seconds / 90)]++;
                    }
                    return mine;
                }));
            }
            for (var part : parts) {
                int[] mine = part.get();
                for (int b = 0; b < 10; b++) {
                    buckets[b] += mine[b];
                }
            }
        }
        int samples = threads * perThread;
        for (int bucket : buckets) {
            assertThat(bucket).isBetween(samples / 10 - 300, samples / 10 + 300);
        }
    }

    @Test
    void productionJitter_divergesAcrossCopiesOfOneState_asInEnvironmentsRestoredFromOneSnapshot() {
        // Two generators in the same state stand for two environments restored from one SnapStart snapshot.
        Backoff.Jitter first = new Backoff.Jitter(42);
        Backoff.Jitter second = new Backoff.Jitter(42);
        List<Long> a = new java.util.ArrayList<>();
        List<Long> b = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            a.add(first.nextLong(901));
            b.add(second.nextLong(901));
        }
        assertThat(a).isNotEqualTo(b);
    }
}
