package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class QueueRoutesTest {
    private static final String ARN = "arn:aws:sqs:us-east-1:123456789012:jobs";

    /** Answers like SQS for a queue "jobs" whose DLQ is "jobs-dlq"; the first GetQueueUrl waits for {@code release}. */
    private static final class FakeSqs implements SqsClient {
        final AtomicInteger queueUrlCalls = new AtomicInteger();
        final CountDownLatch firstCallStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean failFirst;

        @Override
        public GetQueueUrlResponse getQueueUrl(Consumer<GetQueueUrlRequest.Builder> request) {
            GetQueueUrlRequest r = GetQueueUrlRequest.builder().applyMutation(request).build();
            int call = queueUrlCalls.incrementAndGet();
            if (call == 1) {
                firstCallStarted.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (failFirst) {
                    throw new IllegalStateException("SQS did not answer");
                }
            }
            return GetQueueUrlResponse.builder().queueUrl("https://sqs.example/123456789012/" + r.queueName()).build();
        }

        @Override
        public GetQueueAttributesResponse getQueueAttributes(Consumer<GetQueueAttributesRequest.Builder> request) {
            return GetQueueAttributesResponse.builder().attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:jobs-dlq\",\"maxReceiveCount\":5}")).build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    /** Starts {@code callers} threads asking for the route once the first lookup is under way, then releases it. */
    private static List<Future<QueueRoutes.Route>> concurrentRoutes(QueueRoutes routes, FakeSqs sqs, int callers,
                                                                    ExecutorService pool) throws Exception {
        List<Future<QueueRoutes.Route>> results = new ArrayList<>();
        results.add(pool.submit(() -> routes.route(ARN)));
        assertThat(sqs.firstCallStarted.await(30, TimeUnit.SECONDS)).isTrue();
        List<Thread> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(callers - 1);
        for (int i = 1; i < callers; i++) {
            results.add(pool.submit(() -> {
                waiting.add(Thread.currentThread());
                started.countDown();
                return routes.route(ARN);
            }));
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        // Every later caller is parked on the lookup in progress (not making its own) before it is let go.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!waiting.stream().allMatch(t -> t.getState() == Thread.State.WAITING) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        sqs.release.countDown();
        return results;
    }

    @Test
    void route_askedByManyInvocationsAtOnce_isLookedUpOnce_andEveryoneGetsIt() throws Exception {
        FakeSqs sqs = new FakeSqs();
        QueueRoutes routes = new QueueRoutes(() -> sqs, Optional.empty());
        ExecutorService pool = Executors.newFixedThreadPool(20, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        try {
            for (Future<QueueRoutes.Route> f : concurrentRoutes(routes, sqs, 20, pool)) {
                QueueRoutes.Route route = f.get(30, TimeUnit.SECONDS);
                assertThat(route.dlqUrl()).contains("https://sqs.example/123456789012/jobs-dlq");
                assertThat(route.maxReceiveCount()).hasValue(5);
            }
        } finally {
            pool.shutdownNow();
        }
        // one GetQueueUrl for the source queue and one for its DLQ, however many asked
        assertThat(sqs.queueUrlCalls).hasValue(2);
        routes.route(ARN);
        assertThat(sqs.queueUrlCalls).hasValue(2);
    }

    @Test
    void route_whoseLookupFails_failsEveryoneWaitingOnIt_andTheNextCallTriesAgain() throws Exception {
        FakeSqs sqs = new FakeSqs();
        sqs.failFirst = true;
        QueueRoutes routes = new QueueRoutes(() -> sqs, Optional.empty());
        ExecutorService pool = Executors.newFixedThreadPool(5, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        try {
            for (Future<QueueRoutes.Route> f : concurrentRoutes(routes, sqs, 5, pool)) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("SQS did not answer");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sqs.queueUrlCalls).hasValue(1);
        assertThat(routes.route(ARN).dlqUrl()).contains("https://sqs.example/123456789012/jobs-dlq");
    }
}
