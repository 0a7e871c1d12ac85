package dev.outrigger.local.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.DB;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import scala.collection.immutable.List$;
import scala.concurrent.Await;

/**
 * The H2 database of {@code --data-dir} ({@code <dir>/elasticmq.mv.db}): opened for {@link DurableQueueEventListener},
 * restored into ElasticMQ at start, closed and compacted ({@code SHUTDOWN COMPACT}) when ElasticMQ has stopped.
 *
 * <p>ElasticMQ's SQL persistence keeps its JDBC pool in a JVM-wide singleton (scalikejdbc's), which it creates
 * once per JVM, so only one data dir can be open in a JVM at a time: a second one is refused rather than silently
 * written into the first. Closing releases it for the next (tests and the bench start runtimes one after another).
 */
final class DurableQueueStore implements AutoCloseable {
    private static final String USER = "sa";
    private static final String PASSWORD = "";
    private static final AtomicReference<Path> OPEN = new AtomicReference<>();

    /** Runs {@code CHECKPOINT SYNC} on its own thread, one at a time. */
    static final class Checkpointer {
        private final Connection connection;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "outrigger-h2-checkpoint");
            t.setDaemon(true);
            return t;
        });

        private Checkpointer(Connection connection) {
            this.connection = connection;
        }

        /** Writes every committed change to the database file and fsyncs it, then calls {@code done} (null, or the error). */
        void checkpoint(Consumer<Throwable> done) {
            thread.execute(() -> {
                Throwable error = null;
                try (Statement s = connection.createStatement()) {
                    s.execute("CHECKPOINT SYNC");
                } catch (SQLException | RuntimeException e) {
                    error = e;
                }
                done.accept(error);
            });
        }

        /**
         * Stops checkpointing and closes the connection; with {@code compact}, the database too, compacting it fully:
         * under load the file keeps replaced pages for H2's 45 s retention (hundreds of MiB after a few minutes at
         * full speed), far more than a normal close compacts (200 ms' worth).
         */
        private void close(boolean compact) throws SQLException, InterruptedException {
            thread.shutdown();
            thread.awaitTermination(10, TimeUnit.SECONDS);
            try (connection; Statement s = connection.createStatement()) {
                if (compact) {
                    s.execute("SHUTDOWN COMPACT");
                }
            }
        }
    }

    private final Path dir;
    private final String uri;
    private final Checkpointer checkpointer;
    private final ActorRef listener;
    private final SqlQueuePersistenceConfig config;

    private DurableQueueStore(Path dir, String uri, SqlQueuePersistenceConfig config, Checkpointer checkpointer, ActorRef listener) {
        this.dir = dir;
        this.uri = uri;
        this.config = config;
        this.checkpointer = checkpointer;
        this.listener = listener;
    }

    /** Opens (or creates) the database in {@code dir} and starts the listener in {@code system}. */
    static DurableQueueStore open(ActorSystem system, Path dir) throws IOException, SQLException {
        Path absolute = dir.toAbsolutePath().normalize();
        Path other = OPEN.compareAndExchange(null, absolute);
        if (other != null) {
            throw new IllegalStateException("--data-dir " + other + " is already open in this JVM (ElasticMQ's SQL persistence keeps one "
                    + "database per JVM); close that runtime first");
        }
        Checkpointer checkpointer = null;
        try {
            Files.createDirectories(absolute);
            // WRITE_DELAY=0 turns H2's background writer off: nothing reaches the file except through CHECKPOINT (and
            // the close), so a checkpoint that returns has written everything committed before it (with the writer
            // on, a checkpoint can return while the writer's own write of the same changes is still queued).
            // RETENTION_TIME stays H2's default (45 s: replaced pages are reused after that; close() compacts the
            // file). RETENTION_TIME=0 would keep the file small under load, but H2 2.2.224 lost committed rows with
            // it (a FIFO queue's messages after a receive and a close: DurableQueueStoreIT).
            // DB_CLOSE_ON_EXIT=FALSE: H2's shutdown hook must not close the database under a Ctrl-C stop that is still
            // releasing in-flight messages; close() does it after ElasticMQ has stopped.
            String uri = "jdbc:h2:file:" + absolute.resolve("elasticmq") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
            SqlQueuePersistenceConfig config = new SqlQueuePersistenceConfig(true, "org.h2.Driver", uri, USER, PASSWORD, false);
            DB db = new DB(config);   // loads the driver; the first time in this JVM also creates the pool
            if (!scalikejdbc.ConnectionPool$.MODULE$.isInitialized(scalikejdbc.ConnectionPool$.MODULE$.DEFAULT_NAME())) {
                var settings = scalikejdbc.ConnectionPool.singleton$default$4();   // after close() of an earlier data dir
                scalikejdbc.ConnectionPool.singleton(uri, USER, PASSWORD, settings,
                        scalikejdbc.ConnectionPool.singleton$default$5(uri, USER, PASSWORD, settings));
            }
            checkpointer = new Checkpointer(DriverManager.getConnection(uri, USER, PASSWORD));
            ActorRef listener = system.actorOf(DurableQueueEventListener.props(db, checkpointer), "outrigger-durable-queues");
            return new DurableQueueStore(absolute, uri, config, checkpointer, listener);
        } catch (IOException | SQLException | RuntimeException e) {
            if (checkpointer != null) {
                try {
                    checkpointer.close(false);
                } catch (SQLException | InterruptedException closing) {
                    e.addSuppressed(closing);
                }
            }
            closePool();
            OPEN.set(null);
            throw e;
        }
    }

    /** The queue event listener to give ElasticMQ's queue manager. */
    ActorRef listener() {
        return listener;
    }

    /**
     * Recreates the stored queues and their messages in {@code queueManager} (ElasticMQ's own restore, which
     * creates dead-letter queues first), before the API accepts calls. From here on the listener writes.
     */
    void restore(ActorSystem system, ActorRef queueManager) throws Exception {
        listener.tell(new DurableQueueEventListener.UseQueueManager(queueManager), ActorRef.noSender());
        ActorRef restorer = system.actorOf(Props.create(SqlQueuePersistenceActor.class,
                () -> new SqlQueuePersistenceActor(config, List$.MODULE$.empty())));
        try {
            Object restored = Await.result(Patterns.ask(restorer, new QueueEvent.Restore(queueManager), 30_000),
                    scala.concurrent.duration.Duration.create(30, TimeUnit.SECONDS));
            if (restored instanceof scala.util.Left<?, ?> left) {
                throw new IllegalStateException("could not restore queues from " + dir + ": " + left.value());
            }
        } finally {
            system.stop(restorer);
        }
    }

    /** After ElasticMQ has stopped: compacts and closes the database, then the pool. */
    @Override
    public void close() {
        try {
            checkpointer.close(true);
        } catch (SQLException e) {
            System.getLogger(DurableQueueStore.class.getName()).log(System.Logger.Level.WARNING, "--data-dir: closing " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closePool();
            OPEN.set(null);
        }
    }

    private static void closePool() {
        scalikejdbc.ConnectionPool$.MODULE$.close(scalikejdbc.ConnectionPool$.MODULE$.DEFAULT_NAME());
    }
}
