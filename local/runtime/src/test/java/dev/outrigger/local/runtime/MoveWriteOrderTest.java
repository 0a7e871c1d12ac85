package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outrigger.local.runtime.MoveWriteOrder.Change;
import dev.outrigger.local.runtime.MoveWriteOrder.Decision;
import dev.outrigger.local.runtime.MoveWriteOrder.Kind;
import dev.outrigger.local.runtime.MoveWriteOrder.Lookup;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Changes are named by their payload; "written" is the order the listener would write them in. */
class MoveWriteOrderTest {
    private final MoveWriteOrder<String> order = new MoveWriteOrder<>();

    @BeforeEach
    void queues() {
        order.queue("dlq", Optional.empty());
        order.queue("jobs", Optional.of("dlq"));
        order.queue("other", Optional.of("dlq"));
        order.queue("plain", Optional.empty());
    }

    private static Change<String> change(Kind kind, String queue, String id) {
        return new Change<>(kind, queue, id, kind.name().toLowerCase() + " " + queue + " " + id);
    }

    private static List<String> written(Decision<String> d) {
        return d.write().stream().map(Change::payload).toList();
    }

    @Test
    void changes_onAQueueNoMoveCanLeave_areWrittenAtOnce() {
        assertThat(written(order.accept(change(Kind.ADDED, "plain", "m")))).containsExactly("added plain m");
        assertThat(written(order.accept(change(Kind.UPDATED, "plain", "m")))).containsExactly("updated plain m");
        Decision<String> removed = order.accept(change(Kind.REMOVED, "plain", "m"));
        assertThat(written(removed)).containsExactly("removed plain m");
        assertThat(removed.lookup()).isEmpty();
    }

    @Test
    void removal_fromAQueueWithARedrivePolicy_waitsForTheAnswerOfItsDlqOnly() {
        Decision<String> d = order.accept(change(Kind.REMOVED, "jobs", "m"));
        assertThat(written(d)).isEmpty();
        assertThat(d.lookup()).hasValueSatisfying(l -> assertThat(l.queues()).containsExactly("dlq"));

        Lookup l = d.lookup().orElseThrow();
        assertThat(written(order.holders("m", l.hold(), Set.of()))).as("an ordinary delete: no copy anywhere").containsExactly("removed jobs m");
    }

    @Test
    void removal_fromADlq_asksEveryOtherQueue_forAMessageMoveTask() {
        Decision<String> d = order.accept(change(Kind.REMOVED, "dlq", "m"));
        assertThat(d.lookup()).hasValueSatisfying(l -> assertThat(l.queues()).containsExactlyInAnyOrder("jobs", "other", "plain"));
    }

    @Test
    void removal_thatArrivesBeforeTheMovedCopy_isWrittenAfterTheCopy() {
        Lookup l = order.accept(change(Kind.REMOVED, "jobs", "m")).lookup().orElseThrow();
        assertThat(written(order.holders("m", l.hold(), Set.of("dlq")))).as("the DLQ holds a copy not yet written").isEmpty();

        assertThat(written(order.accept(change(Kind.ADDED, "dlq", "m")))).containsExactly("added dlq m", "removed jobs m");
    }

    @Test
    void copy_addedWhileTheLookupRuns_releasesTheRemovalWhenTheAnswerComes() {
        Lookup l = order.accept(change(Kind.REMOVED, "jobs", "m")).lookup().orElseThrow();
        assertThat(written(order.accept(change(Kind.ADDED, "dlq", "m")))).containsExactly("added dlq m");

        assertThat(written(order.holders("m", l.hold(), Set.of("dlq")))).containsExactly("removed jobs m");
    }

    @Test
    void copy_writtenBeforeTheRemovalArrived_releasesItAsSoonAsTheAnswerComes() {
        order.accept(change(Kind.ADDED, "jobs", "m"));
        order.accept(change(Kind.ADDED, "dlq", "m"));
        Lookup l = order.accept(change(Kind.REMOVED, "jobs", "m")).lookup().orElseThrow();

        assertThat(written(order.holders("m", l.hold(), Set.of("dlq")))).containsExactly("removed jobs m");
    }

    @Test
    void copy_removedFromTheTargetSince_doesNotCount() {
        order.accept(change(Kind.ADDED, "dlq", "m"));
        order.accept(change(Kind.REMOVED, "dlq", "m")).lookup()
                .ifPresent(l -> order.holders("m", l.hold(), Set.of()));   // moved on (or deleted) since
        Lookup l = order.accept(change(Kind.REMOVED, "jobs", "m")).lookup().orElseThrow();

        assertThat(written(order.holders("m", l.hold(), Set.of("dlq")))).as("the DLQ holds a new copy, not yet written").isEmpty();
        assertThat(written(order.accept(change(Kind.ADDED, "dlq", "m")))).containsExactly("added dlq m", "removed jobs m");
    }

    @Test
    void laterChanges_ofAHeldMessage_waitBehindItsRemoval_inTheirOrder() {
        Lookup l = order.accept(change(Kind.REMOVED, "jobs", "m")).lookup().orElseThrow();
        assertThat(written(order.accept(change(Kind.ADDED, "jobs", "m")))).as("moved back into the source").isEmpty();
        assertThat(written(order.accept(change(Kind.UPDATED, "jobs", "m")))).isEmpty();
        assertThat(written(order.accept(change(Kind.ADDED, "plain", "other-message")))).containsExactly("added plain other-message");

        assertThat(written(order.holders("m", l.hold(), Set.of()))).containsExactly("removed jobs m", "added jobs m", "updated jobs m");
    }

    @Test
    void aSecondRemoval_behindTheFirst_isHeldInTurn() {
        Lookup first = order.accept(change(Kind.REMOVED, "jobs", "m")).lookup().orElseThrow();
        order.accept(change(Kind.ADDED, "jobs", "m"));
        order.accept(change(Kind.REMOVED, "jobs", "m"));

        Decision<String> released = order.holders("m", first.hold(), Set.of());
        assertThat(written(released)).containsExactly("removed jobs m", "added jobs m");
        Lookup second = released.lookup().orElseThrow();
        assertThat(second.hold()).isNotEqualTo(first.hold());
        assertThat(written(order.holders("m", first.hold(), Set.of()))).as("a stale answer").isEmpty();
        assertThat(written(order.holders("m", second.hold(), Set.of()))).containsExactly("removed jobs m");
    }

    @Test
    void giveUp_writesTheHeldRemovalAndWhatWaitsBehindIt_once() {
        Lookup l = order.accept(change(Kind.REMOVED, "jobs", "m")).lookup().orElseThrow();
        order.holders("m", l.hold(), Set.of("dlq"));
        order.accept(change(Kind.UPDATED, "jobs", "m"));
        assertThat(order.isHeld("m", l.hold())).isTrue();

        assertThat(written(order.giveUp("m", l.hold()))).containsExactly("removed jobs m", "updated jobs m");
        assertThat(order.isHeld("m", l.hold())).isFalse();
        assertThat(written(order.giveUp("m", l.hold()))).isEmpty();
    }

    @Test
    void deletedQueue_isNoLongerAMoveTarget() {
        order.queueDeleted("dlq");
        order.queue("jobs", Optional.empty());

        assertThat(written(order.accept(change(Kind.REMOVED, "jobs", "m")))).containsExactly("removed jobs m");
    }
}
