package dev.outrigger.local.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The order in which {@link DurableQueueEventListener} may write message changes, so that a message ElasticMQ moves
 * from one queue to another is never missing from both on disk.
 *
 * <p>ElasticMQ moves a message in two steps that reach the listener independently, from two queue actors: the target
 * queue adds it (same message id) and the source removes it. It does so when a receive finds a message at its
 * queue's maxReceiveCount (the redrive policy moves it to the DLQ) and in a message move task
 * (StartMessageMoveTask, from a DLQ to any queue). If the removal were written first and the process died before
 * the add, the message would be on no queue after a restart. So a removal from a queue that has a DLQ, or that is a
 * DLQ, is held back: the listener asks each queue the message could be moving to whether it holds a copy (the
 * source told the target before it emitted the removal, so the answer covers this move), and the removal is written
 * once every such copy has been added on disk. Later changes of the same message wait behind it; adds of it to other
 * queues do not (they are what the removal waits for). A lookup that never completes is given up after a bound, and
 * the removal written then: ElasticMQ stops waiting for the listener after 5 s.
 *
 * <p>Not thread-safe: the listener actor calls it from its own thread. {@code P} is what the listener needs to write
 * a change and answer it.
 */
final class MoveWriteOrder<P> {
    /** Message ids whose last written change per queue was an add, kept for the most recent this many ids. */
    static final int RECENT_ADDS = 10_000;

    enum Kind { ADDED, UPDATED, REMOVED }

    record Change<P>(Kind kind, String queue, String messageId, P payload) {
    }

    /** Ask these queues whether they hold message {@code messageId}, then call {@link #holders} with {@code hold}. */
    record Lookup(String messageId, long hold, Set<String> queues) {
    }

    /** Write {@code write} now, in this order; then start {@code lookup} if there is one. */
    record Decision<P>(List<Change<P>> write, Optional<Lookup> lookup) {
    }

    private static final class Held<P> {
        final Change<P> removal;
        final long hold;
        final Set<String> added;
        Set<String> holders;
        final List<Change<P>> behind = new ArrayList<>();

        Held(Change<P> removal, long hold, Set<String> added) {
            this.removal = removal;
            this.hold = hold;
            this.added = added;
        }
    }

    private final Map<String, Optional<String>> deadLetterQueueOf = new HashMap<>();
    private final Map<String, Held<P>> held = new HashMap<>();
    private final Map<String, Set<String>> addedTo = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > RECENT_ADDS;
        }
    };
    private long holds;

    /** A queue exists (or its redrive policy changed): {@code deadLetterQueue} is where its redrive policy moves messages. */
    void queue(String name, Optional<String> deadLetterQueue) {
        deadLetterQueueOf.put(name, deadLetterQueue);
    }

    void queueDeleted(String name) {
        deadLetterQueueOf.remove(name);
    }

    Decision<P> accept(Change<P> change) {
        Held<P> h = held.get(change.messageId());
        if (h != null) {
            boolean addElsewhere = change.kind() == Kind.ADDED && !change.queue().equals(h.removal.queue())
                    && h.behind.stream().noneMatch(c -> c.queue().equals(change.queue()));
            if (!addElsewhere) {
                h.behind.add(change);
                return new Decision<>(List.of(), Optional.empty());
            }
            written(change);
            h.added.add(change.queue());
            List<Change<P>> write = new ArrayList<>(List.of(change));
            Optional<Lookup> next = releaseIfCopied(h, write);
            return new Decision<>(write, next);
        }
        Set<String> targets = change.kind() == Kind.REMOVED ? moveTargets(change.queue()) : Set.of();
        if (targets.isEmpty()) {
            written(change);
            return new Decision<>(List.of(change), Optional.empty());
        }
        Held<P> hold = new Held<>(change, ++holds, new HashSet<>(addedTo.getOrDefault(change.messageId(), Set.of())));
        held.put(change.messageId(), hold);
        return new Decision<>(List.of(), Optional.of(new Lookup(change.messageId(), hold.hold, targets)));
    }

    /** The answer to a {@link Lookup}: the queues that hold a copy of the message. */
    Decision<P> holders(String messageId, long hold, Set<String> queues) {
        Held<P> h = held.get(messageId);
        if (h == null || h.hold != hold) {
            return new Decision<>(List.of(), Optional.empty());
        }
        h.holders = Set.copyOf(queues);
        List<Change<P>> write = new ArrayList<>();
        Optional<Lookup> next = releaseIfCopied(h, write);
        return new Decision<>(write, next);
    }

    /** The bound passed: write the held removal (and what waits behind it) whatever the copies' state. */
    Decision<P> giveUp(String messageId, long hold) {
        Held<P> h = held.get(messageId);
        if (h == null || h.hold != hold) {
            return new Decision<>(List.of(), Optional.empty());
        }
        h.holders = Set.of();
        List<Change<P>> write = new ArrayList<>();
        Optional<Lookup> next = releaseIfCopied(h, write);
        return new Decision<>(write, next);
    }

    /** Whether a removal of this message is being held (for the give-up warning). */
    boolean isHeld(String messageId, long hold) {
        Held<P> h = held.get(messageId);
        return h != null && h.hold == hold;
    }

    private Optional<Lookup> releaseIfCopied(Held<P> h, List<Change<P>> write) {
        if (h.holders == null || !h.added.containsAll(h.holders)) {
            return Optional.empty();
        }
        held.remove(h.removal.messageId());
        written(h.removal);
        write.add(h.removal);
        Optional<Lookup> next = Optional.empty();
        for (Change<P> c : h.behind) {
            Decision<P> d = accept(c);
            write.addAll(d.write());
            next = d.lookup().isPresent() ? d.lookup() : next;
        }
        return next;
    }

    private void written(Change<P> change) {
        if (change.kind() == Kind.ADDED) {
            addedTo.computeIfAbsent(change.messageId(), id -> new HashSet<>()).add(change.queue());
        } else if (change.kind() == Kind.REMOVED) {
            Set<String> queues = addedTo.get(change.messageId());
            if (queues != null && queues.remove(change.queue()) && queues.isEmpty()) {
                addedTo.remove(change.messageId());
            }
        }
    }

    /** Where a message removed from {@code queue} may be moving: its DLQ; from a DLQ, any queue (a move task). */
    private Set<String> moveTargets(String queue) {
        Set<String> targets = new HashSet<>();
        deadLetterQueueOf.getOrDefault(queue, Optional.empty()).ifPresent(targets::add);
        if (deadLetterQueueOf.values().stream().anyMatch(dlq -> dlq.equals(Optional.of(queue)))) {
            targets.addAll(deadLetterQueueOf.keySet());
        }
        targets.remove(queue);
        return targets;
    }
}
