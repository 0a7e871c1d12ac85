package dev.outrigger.local.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;
import scala.concurrent.Await;

/**
 * ElasticMQ serving the SQS API on 127.0.0.1. With a data directory, queues and messages are kept in an H2
 * database ({@code <dataDir>/elasticmq.mv.db}) by {@link DurableQueueStore}: ElasticMQ's SQL persistence restores
 * them at start, and {@link DurableQueueEventListener} writes every change, acknowledged only once it is on disk.
 */
final class EmbeddedSqs implements AutoCloseable {
    private final ActorSystem system;
    private final SQSRestServer server;
    private final DurableQueueStore store;
    private final URI endpoint;

    private EmbeddedSqs(ActorSystem system, SQSRestServer server, DurableQueueStore store, URI endpoint) {
        this.system = system;
        this.server = server;
        this.store = store;
        this.endpoint = endpoint;
    }

    static EmbeddedSqs start(int port, String region, String accountId, Path dataDir) {
        quietLogs();
        ActorSystem system = ActorSystem.create("outrigger-sqs");
        DurableQueueStore store = null;
        try {
            ActorRef queueManager = null;
            if (dataDir != null) {
                store = DurableQueueStore.open(system, dataDir);
                ActorRef listener = store.listener();
                queueManager = system.actorOf(Props.create(QueueManagerActor.class,
                        () -> new QueueManagerActor(new NowProvider(), StrictSQSLimits$.MODULE$, Option.apply(listener))));
                store.restore(system, queueManager);
            }
            // Queue URLs embed the server address, so an ephemeral port is chosen before binding.
            int actual = port == 0 ? Ports.free() : port;
            var builder = SQSRestServerBuilder.withActorSystem(system)
                    .withInterface("127.0.0.1")
                    .withPort(actual)
                    .withServerAddress(new NodeAddress("http", "127.0.0.1", actual, ""))
                    .withAWSRegion(region)
                    .withAWSAccountId(accountId)
                    .withSQSLimits(StrictSQSLimits$.MODULE$);
            if (store != null) {
                builder = builder.withQueueManagerActor(queueManager).withQueueEventListener(store.listener());
            }
            SQSRestServer server = builder.start();
            server.waitUntilStarted();
            return new EmbeddedSqs(system, server, store, URI.create("http://127.0.0.1:" + actual));
        } catch (RuntimeException | Error e) {
            terminate(system, store);
            throw e;
        } catch (Exception e) {
            terminate(system, store);
            throw new IllegalStateException("could not start ElasticMQ on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * ElasticMQ and Pekko log every start at INFO; the functions' Log4j 2 (Powertools) config would print those as JSON.
     * Lower them to WARN when Log4j 2 is the SLF4J backend (reflection: it is the functions' dependency, not ours).
     */
    private static void quietLogs() {
        try {
            Class<?> configurator = Class.forName("org.apache.logging.log4j.core.config.Configurator");
            Class<?> level = Class.forName("org.apache.logging.log4j.Level");
            Object warn = level.getField("WARN").get(null);
            for (String logger : new String[] {"org.elasticmq", "org.apache.pekko", "pekko", "com.zaxxer", "scalikejdbc"}) {
                configurator.getMethod("setLevel", String.class, level).invoke(null, logger, warn);
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // another backend (or none): its own configuration applies
        }
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            server.stopAndWait();
        } finally {
            terminate(system, store);
        }
    }

    /** The actor system first, so no change is being written when the database closes. */
    private static void terminate(ActorSystem system, DurableQueueStore store) {
        try {
            Await.result(system.terminate(), scala.concurrent.duration.Duration.create(Duration.ofSeconds(10).toSeconds(), TimeUnit.SECONDS));
        } catch (Exception e) {
            // shutting down anyway
        } finally {
            if (store != null) {
                store.close();
            }
        }
    }
}
