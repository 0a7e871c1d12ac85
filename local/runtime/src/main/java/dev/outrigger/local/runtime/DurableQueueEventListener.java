package dev.outrigger.local.runtime;

import dev.outrigger.local.runtime.MoveWriteOrder.Change;
import dev.outrigger.local.runtime.MoveWriteOrder.Decision;
import dev.outrigger.local.runtime.MoveWriteOrder.Kind;
import dev.outrigger.local.runtime.MoveWriteOrder.Lookup;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.AbstractActorWithTimers;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Status;
import org.elasticmq.MessageId;
import org.elasticmq.QueueData;
import org.elasticmq.actor.queue.InternalMessage;
import org.elasticmq.actor.queue.OperationSuccessful$;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.msg.LookupMessage;
import org.elasticmq.msg.LookupQueue;
import org.elasticmq.persistence.CreateQueueMetadata;
import org.elasticmq.persistence.sql.DB;
import org.elasticmq.persistence.sql.MessageRepository;
import org.elasticmq.persistence.sql.QueueRepository;
import scala.Option;

/**
 * ElasticMQ's queue event listener for {@code --data-dir}: it writes every queue and message change to H2 and
 * answers a message change only once it is in the database file. ElasticMQ's queue actor sends its reply to the
 * client (SendMessage, ReceiveMessage, DeleteMessage, ChangeMessageVisibility and their batches) only after the
 * listener has answered each event of the call ({@code QueueActorStorage.ResultWithEvents.send}), so with this
 * listener every acknowledged change is on disk when the client sees the acknowledgement.
 *
 * <p>Why not ElasticMQ's {@code SqlQueuePersistenceActor}: it answers as soon as H2 has committed, and an H2 commit
 * is not a file write. H2's MVStore keeps committed changes in memory and a background thread writes them
 * WRITE_DELAY (500 ms) later, so a process killed within that window loses acknowledged messages. Here the
 * database is opened with {@code WRITE_DELAY=0}, which turns that thread off, and after its writes the listener runs
 * {@code CHECKPOINT SYNC} (MVStore commit: the changes are written to the file, then fsync), and only then answers.
 * Checkpoints run one at a time on {@link DurableQueueStore}'s checkpoint thread while new changes keep being written, and
 * one checkpoint answers every change written before it started (group commit): the cost is one file write and one
 * fsync per group, not per message. (That actor also does not survive an error: restarted after one failed
 * statement, it forgets its queues and goes on answering without writing.)
 *
 * <p>Queue changes (create, delete, attributes) are written the same way but nobody waits for them (ElasticMQ sends
 * them without asking). The restore at start is ElasticMQ's own ({@link DurableQueueStore#restore}). See
 * {@link MoveWriteOrder} for the one ordering rule added here.
 */
final class DurableQueueEventListener extends AbstractActorWithTimers {
    /** How long a held removal waits for its moved copy; below ElasticMQ's 5 s wait for the listener. */
    static final Duration MOVE_WAIT = Duration.ofSeconds(2);
    private static final int WRITE_ATTEMPTS = 3;
    private static final System.Logger LOG = System.getLogger(DurableQueueEventListener.class.getName());

    /** Tells the listener the queue manager, which it asks for queue actors (created after the listener). */
    record UseQueueManager(ActorRef queueManager) {
    }

    private record Pending(QueueEvent event, ActorRef waiter) {
    }

    private static final String TICK = "tick";

    private static final class PendingLookup {
        int unanswered;
        final Set<String> holding = new HashSet<>();

        PendingLookup(int unanswered) {
            this.unanswered = unanswered;
        }
    }

    private record Checkpointed(List<ActorRef> waiters, Throwable error) {
    }

    private final DB db;
    private final DurableQueueStore.Checkpointer checkpointer;
    private final QueueRepository queues;
    private final Map<String, MessageRepository> messages = new HashMap<>();
    private final Map<String, ActorRef> queueActors = new HashMap<>();
    private final Map<ActorRef, String> queueOfActor = new HashMap<>();
    /** Queues whose actor was asked of the queue manager, in the order asked (it answers in that order). */
    private final Deque<String> resolving = new ArrayDeque<>();
    private final Map<String, List<Lookup>> unresolved = new HashMap<>();
    /** Per queue, the lookups it was asked, in order. */
    private final Map<String, Deque<Lookup>> lookupsInFlight = new HashMap<>();
    private final Map<Lookup, PendingLookup> pendingLookups = new HashMap<>();
    private final LinkedHashMap<Lookup, Long> heldSince = new LinkedHashMap<>();
    private final MoveWriteOrder<Pending> order = new MoveWriteOrder<>();
    private ActorRef queueManager;
    /** Written since the running checkpoint started; answered by the next one. */
    private List<ActorRef> unflushed = new ArrayList<>();
    private boolean dirty;
    private boolean checkpointing;

    private DurableQueueEventListener(DB db, DurableQueueStore.Checkpointer checkpointer) {
        this.db = db;
        this.checkpointer = checkpointer;
        this.queues = new QueueRepository(db);
    }

    @Override
    public void preStart() {
        timers().startTimerWithFixedDelay(TICK, TICK, MOVE_WAIT.dividedBy(4));
    }

    static Props props(DB db, DurableQueueStore.Checkpointer checkpointer) {
        return Props.create(DurableQueueEventListener.class, () -> new DurableQueueEventListener(db, checkpointer));
    }

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .match(UseQueueManager.class, m -> queueManager = m.queueManager())
                .match(QueueEvent.QueueCreated.class, e -> queueCreated(e.queue()))
                .match(QueueEvent.QueueMetadataUpdated.class, e -> queueUpdated(e.queue()))
                .match(QueueEvent.QueueDeleted.class, e -> queueDeleted(e.queueName()))
                .match(QueueEvent.MessageAdded.class, e -> accept(Kind.ADDED, e.queueName(), e.message().id(), e))
                .match(QueueEvent.MessageUpdated.class, e -> accept(Kind.UPDATED, e.queueName(), e.message().id(), e))
                .match(QueueEvent.MessageRemoved.class, e -> accept(Kind.REMOVED, e.queueName(), e.messageId(), e))
                .match(Option.class, this::answer)
                .matchEquals(TICK, t -> tick())
                .match(Checkpointed.class, this::checkpointed)
                .build();
    }

    // ------------------------------------------------------------------------------------------------ queues

    private void queueCreated(QueueData queue) {
        inQueueChange("create queue " + queue.name(), () -> {
            CreateQueueMetadata row = CreateQueueMetadata.from(queue);
            if (queues.update(row) == 0) {
                queues.add(row);
            }
            messages.computeIfAbsent(queue.name(), name -> new MessageRepository(name, db));
        });
        order.queue(queue.name(), deadLetterQueue(queue));
        if (queueManager != null) {
            resolving.add(queue.name());
            queueManager.tell(new LookupQueue(queue.name()), self());
        }
    }

    private void queueUpdated(QueueData queue) {
        inQueueChange("update queue " + queue.name(), () -> queues.update(CreateQueueMetadata.from(queue)));
        order.queue(queue.name(), deadLetterQueue(queue));
    }

    private void queueDeleted(String name) {
        inQueueChange("delete queue " + name, () -> {
            queues.remove(name);
            MessageRepository repository = messages.remove(name);
            if (repository != null) {
                repository.drop();
            }
        });
        order.queueDeleted(name);
        ActorRef actor = queueActors.remove(name);
        if (actor != null) {
            queueOfActor.remove(actor);
        }
        // A stopped actor answers nothing: its open lookups end at MOVE_WAIT, and a queue created again under the
        // name must not have its answers matched with them.
        lookupsInFlight.remove(name);
        unresolved.remove(name);
    }

    private void inQueueChange(String what, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "--data-dir: could not " + what + " in the H2 database", e);
        }
        dirty = true;
        checkpointIfIdle();
    }

    private static Optional<String> deadLetterQueue(QueueData queue) {
        return queue.deadLettersQueue().isDefined() ? Optional.of(queue.deadLettersQueue().get().name()) : Optional.empty();
    }

    // ------------------------------------------------------------------------------------------------ messages

    private void accept(Kind kind, String queue, String messageId, QueueEvent event) {
        apply(order.accept(new Change<>(kind, queue, messageId, new Pending(event, sender()))));
    }

    private void apply(Decision<Pending> decision) {
        decision.write().forEach(change -> write(change.payload()));
        decision.lookup().ifPresent(lookup -> {
            heldSince.put(lookup, System.nanoTime());
            lookUp(lookup);
        });
    }

    private void write(Pending pending) {
        RuntimeException failed = null;
        for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
            try {
                writeOnce(pending.event());
                failed = null;
                break;
            } catch (RuntimeException e) {
                failed = e;
            }
        }
        if (failed != null) {
            // Not on disk: no acknowledgement. ElasticMQ then leaves the client's call unanswered (it times out).
            LOG.log(System.Logger.Level.ERROR, "--data-dir: could not write " + pending.event() + " to the H2 database", failed);
            pending.waiter().tell(new Status.Failure(failed), self());
            return;
        }
        unflushed.add(pending.waiter());
        checkpointIfIdle();
    }

    /**
     * ElasticMQ hands the listener its live InternalMessage, which the queue actor goes on changing (a receive appends
     * a receipt to it), so serialising it at the wrong moment can throw: that is why a failed write is tried again.
     * What is written is never older than the change (the event was sent after it), and a later change comes with
     * its own event, so the last write of a message has its last state.
     */
    private void writeOnce(QueueEvent event) {
        switch (event) {
            case QueueEvent.MessageAdded a -> repository(a.queueName()).ifPresent(r -> add(r, a.message()));
            case QueueEvent.MessageUpdated u -> repository(u.queueName()).ifPresent(r -> r.update(u.message()));
            case QueueEvent.MessageRemoved r -> repository(r.queueName()).ifPresent(repo -> repo.remove(r.messageId()));
            default -> throw new IllegalArgumentException("not a message change: " + event);
        }
    }

    /** A message id can already have a row: a move back to a queue it came from, or one redone after a crash. */
    private static void add(MessageRepository repository, InternalMessage message) {
        try {
            repository.add(message);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception duplicate) {   // a SQLException (Scala does not declare it): the id is taken
            repository.remove(message.id());
            repository.add(message);
        }
    }

    private Optional<MessageRepository> repository(String queue) {
        return Optional.ofNullable(messages.get(queue));
    }

    /**
     * Asks each queue of the lookup whether it holds the message (LookupMessage). The answers come back as Options,
     * from each queue actor in the order it was asked (messages between two actors keep their order), which is how
     * they are matched: plain tells, no ask per message.
     */
    private void lookUp(Lookup lookup) {
        pendingLookups.put(lookup, new PendingLookup(lookup.queues().size()));
        for (String queue : lookup.queues()) {
            ActorRef actor = queueActors.get(queue);
            if (actor == null) {
                unresolved.computeIfAbsent(queue, q -> new ArrayList<>()).add(lookup);   // asked once its actor is known
            } else {
                ask(queue, actor, lookup);
            }
        }
    }

    private void ask(String queue, ActorRef actor, Lookup lookup) {
        lookupsInFlight.computeIfAbsent(queue, q -> new ArrayDeque<>()).add(lookup);
        actor.tell(new LookupMessage(new MessageId(lookup.messageId())), self());
    }

    /** An answer: the queue manager's to LookupQueue, or a queue actor's to LookupMessage. */
    private void answer(Option<?> answer) {
        if (sender().equals(queueManager)) {
            String queue = resolving.poll();
            if (queue != null && answer.isDefined()) {
                ActorRef actor = (ActorRef) answer.get();
                queueActors.put(queue, actor);
                queueOfActor.put(actor, queue);
                List<Lookup> waiting = unresolved.remove(queue);
                if (waiting != null) {
                    waiting.forEach(l -> ask(queue, actor, l));
                }
            }
            return;
        }
        String queue = queueOfActor.get(sender());
        Deque<Lookup> asked = queue == null ? null : lookupsInFlight.get(queue);
        Lookup lookup = asked == null ? null : asked.poll();
        PendingLookup pending = lookup == null ? null : pendingLookups.get(lookup);
        if (pending == null) {
            return;   // given up on already
        }
        if (answer.isDefined()) {
            pending.holding.add(queue);
        }
        if (--pending.unanswered == 0) {
            pendingLookups.remove(lookup);
            apply(order.holders(lookup.messageId(), lookup.hold(), pending.holding));
        }
    }

    /** Gives up on removals held longer than MOVE_WAIT: each is written then, with a warning. */
    private void tick() {
        long now = System.nanoTime();
        for (var it = heldSince.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Lookup l = e.getKey();
            if (!order.isHeld(l.messageId(), l.hold())) {
                it.remove();
            } else if (now - e.getValue() >= MOVE_WAIT.toNanos()) {
                it.remove();
                pendingLookups.remove(l);
                LOG.log(System.Logger.Level.WARNING, "--data-dir: removing message " + l.messageId() + " from its queue without "
                        + "having seen its copy in " + l.queues() + " written within " + MOVE_WAIT.toMillis() + " ms");
                apply(order.giveUp(l.messageId(), l.hold()));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ checkpoints

    private void checkpointIfIdle() {
        if (checkpointing || (unflushed.isEmpty() && !dirty)) {
            return;
        }
        List<ActorRef> waiters = unflushed;
        unflushed = new ArrayList<>();
        dirty = false;
        checkpointing = true;
        ActorRef self = self();
        checkpointer.checkpoint(error -> self.tell(new Checkpointed(waiters, error), ActorRef.noSender()));
    }

    private void checkpointed(Checkpointed done) {
        checkpointing = false;
        if (done.error() != null) {
            LOG.log(System.Logger.Level.ERROR, "--data-dir: CHECKPOINT failed; " + done.waiters().size() + " change(s) not acknowledged",
                    done.error());
        }
        Object answer = done.error() == null ? OperationSuccessful$.MODULE$ : new Status.Failure(done.error());
        done.waiters().forEach(w -> w.tell(answer, self()));
        checkpointIfIdle();
    }
}
