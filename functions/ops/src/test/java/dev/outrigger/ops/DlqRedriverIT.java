package dev.outrigger.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** DLQ inspect and redrive against a real ElasticMQ, with 500 dead letters of mixed types and reasons. */
class DlqRedriverIT {
    static ElasticMq mq;
    static int run;

    String jobs;
    String dlq;
    String jobsName;
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<DeadLetterSeed.Seeded> seeded;
    List<AuditRecord> audits = new ArrayList<>();
    AuditSink auditSink = audits::add;

    @BeforeAll
    static void start() {
        mq = new ElasticMq();
    }

    @AfterAll
    static void stop() {
        mq.close();
    }

    @BeforeEach
    void queues() {
        // Fresh queues per test: tests stay independent without purging.
        jobsName = "jobs-" + (++run);
        String[] q = mq.jobsAndDlq(jobsName, 5);
        jobs = q[0];
        dlq = q[1];
    }

    private void seed500() {
        // Every 7th job has been redriven 3 times already (the default limit), every 11th once.
        seeded = DeadLetterSeed.seed(mq.sqs, dlq, jobsName, 500, now, i -> i % 7 == 0 ? 3 : i % 11 == 0 ? 1 : 0);
    }

    private Set<String> ids(java.util.function.Predicate<DeadLetterSeed.Seeded> p) {
        return seeded.stream().filter(p).map(DeadLetterSeed.Seeded::jobId).collect(Collectors.toSet());
    }

    private static Set<String> jobIdsOf(List<Message> messages) {
        return messages.stream().map(m -> m.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1")).collect(Collectors.toSet());
    }

    @Test
    void inspect_of500_groupsByTypeAndError_andLeavesEveryMessageVisible() {
        seed500();
        DlqSummary s = new DlqInspector(mq.sqs).inspect(dlq, DlqInspector.DEFAULT_LIMIT);

        assertThat(s.scanned()).isEqualTo(500);
        assertThat(s.complete()).isTrue();
        // 4 types x 5 errors, i%4 and i%5 cover all 20 pairs; each pair 25 times.
        assertThat(s.groups()).hasSize(20).allSatisfy(g -> assertThat(g.count()).isEqualTo(25));
        assertThat(s.byType()).containsEntry("webhook", 125);
        assertThat(s.byError()).containsEntry("Timeout", 100);
        DlqSummary.Group g = s.groups().stream().filter(x -> x.jobType().equals("django.task") && x.error().equals("HttpStatus404"))
                .findFirst().orElseThrow();
        // i = 0, 20, 40… : newest is job-0000 (failed now), oldest job-0480.
        assertThat(g.newestFailedAt()).isEqualTo(seeded.get(0).failedAt().toString());
        assertThat(g.oldestFailedAt()).isEqualTo(seeded.get(480).failedAt().toString());
        assertThat(g.sampleJobIds()).hasSize(5).startsWith("job-0480");
        assertThat(s.oldestFailedAt()).isEqualTo(seeded.get(499).failedAt().toString());
        assertThat(s.toText()).contains("django.task").contains("HttpStatus404").contains("500 message(s) read");

        // Nothing consumed, nothing left hidden.
        assertThat(mq.visible(dlq)).isEqualTo(500);
        assertThat(mq.inFlight(dlq)).isZero();
    }

    @Test
    void messagesAnotherReaderHolds_areNotCounted_andTheSummaryAndTheRedriveSaySo() {
        // SQS has no peek: while another reader (an alarm notification's summary, a second operator) holds messages,
        // a scan cannot see them. It must say so rather than report a short count, or "moved 0", as the whole truth.
        seeded = DeadLetterSeed.seed(mq.sqs, dlq, jobsName, 30, now, i -> 0);
        List<Message> held = new ArrayList<>();
        while (held.size() < 12) {
            held.addAll(mq.sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(Math.min(10, 12 - held.size()))
                    .visibilityTimeout(120)).messages());
        }

        DlqSummary s = new DlqInspector(mq.sqs).inspect(dlq, DlqInspector.DEFAULT_LIMIT);
        RedriveReport r = new DlqRedriver(mq.sqs, auditSink).redrive(RedriveRequest.of(dlq,
                new RedriveFilter(null, null, null, null, null)).withAll(true).withDryRun(true));

        assertThat(s.scanned()).isEqualTo(18);
        assertThat(s.approximateTotal()).isEqualTo(18);
        assertThat(s.approximateInFlight()).isEqualTo(12);
        assertThat(s.toText()).contains("18 message(s) read").contains("~12 message(s) were held by another reader");
        assertThat(r.scanned()).isEqualTo(18);
        assertThat(r.inFlightAtStart()).isEqualTo(12);
        assertThat(r.toText()).contains("~12 message(s) were held by another reader");
        // What the other reader holds is still its own: the scans released only what they had received.
        assertThat(mq.inFlight(dlq)).isEqualTo(12);
        assertThat(mq.visible(dlq)).isEqualTo(18);
    }

    @Test
    void aScanWithNothingHeldElsewhere_hasNoNote() {
        seeded = DeadLetterSeed.seed(mq.sqs, dlq, jobsName, 3, now, i -> 0);

        DlqSummary s = new DlqInspector(mq.sqs).inspect(dlq, DlqInspector.DEFAULT_LIMIT);

        assertThat(s.approximateInFlight()).isZero();
        assertThat(s.inFlightNote()).isNull();
        assertThat(s.toText()).doesNotContain("another reader");
    }

    @Test
    void show_findsOneJob_withAttributesAndBody() {
        seed500();
        DeadLetter m = new DlqInspector(mq.sqs).show(dlq, "job-0123", 1000).orElseThrow();
        assertThat(m.jobType()).isEqualTo("events.put");
        assertThat(m.error()).isEqualTo("SsrfRefused");
        assertThat(m.body()).contains("\"id\":\"job-0123\"");
        assertThat(m.attributes()).containsKey("traceparent");
        assertThat(mq.inFlight(dlq)).isZero();
    }

    @Test
    void redrive_withTypeAndErrorFilter_movesExactlyTheMatchingJobs() {
        seed500();
        RedriveFilter filter = new RedriveFilter(Set.of("webhook", "django.task"), Set.of("HttpStatus500", "Timeout"), null, null, null);
        RedriveReport r = new DlqRedriver(mq.sqs, auditSink).redrive(RedriveRequest.of(dlq, filter));

        Set<String> matching = ids(x -> filter.types().contains(x.type()) && filter.errors().contains(x.error()));
        Set<String> allowed = ids(x -> filter.types().contains(x.type()) && filter.errors().contains(x.error()) && x.redriveCount() < 3);
        assertThat(r.matched()).isEqualTo(matching.size());
        assertThat(Set.copyOf(r.movedJobIds())).isEqualTo(allowed);
        assertThat(r.refused()).extracting(RedriveReport.Refused::jobId).containsExactlyInAnyOrderElementsOf(
                matching.stream().filter(id -> !allowed.contains(id)).toList());
        assertThat(r.failed()).isEmpty();

        List<Message> onJobs = mq.drain(jobs);
        assertThat(jobIdsOf(onJobs)).isEqualTo(allowed);
        Set<String> expectedLeft = new HashSet<>(ids(x -> true));
        expectedLeft.removeAll(allowed);
        assertThat(mq.jobIds(dlq)).isEqualTo(expectedLeft);

        // History travels with the job; the reason attributes do not; the producer's trace context does.
        Message one = onJobs.stream().filter(m -> m.body().contains("\"id\":\"job-0001\"")).findFirst().orElseThrow();
        assertThat(one.messageAttributes().get(DlqAttributes.REDRIVE_COUNT).stringValue()).isEqualTo("1");
        assertThat(one.messageAttributes().get(DlqAttributes.PREVIOUS_ERROR).stringValue()).isEqualTo("HttpStatus500");
        assertThat(one.messageAttributes().get(DlqAttributes.PREVIOUS_ERROR_MESSAGE).stringValue()).contains("job-0001");
        assertThat(one.messageAttributes()).containsKeys(DlqAttributes.REDRIVEN_AT, "traceparent")
                .doesNotContainKeys(DlqAttributes.ERROR, DlqAttributes.FAILED_AT, DlqAttributes.SOURCE_QUEUE);
        Message again = onJobs.stream().filter(m -> m.body().contains("\"id\":\"job-0011\"")).findFirst().orElse(null);
        if (again != null) {
            assertThat(again.messageAttributes().get(DlqAttributes.REDRIVE_COUNT).stringValue()).isEqualTo("2");
        }

        assertThat(audits).hasSize(1);
        assertThat(audits.get(0).moved()).isEqualTo(allowed.size());
        assertThat(Set.copyOf(audits.get(0).jobIds())).isEqualTo(allowed);
        assertThat(audits.get(0).filter()).containsKeys("type", "error");
        assertThat(mq.inFlight(dlq)).isZero();
    }

    @Test
    void redrive_bodyIsSentUnchanged() {
        seed500();
        String original = new DlqInspector(mq.sqs).show(dlq, "job-0043", 1000).orElseThrow().body();
        new DlqRedriver(mq.sqs, auditSink).redrive(RedriveRequest.of(dlq,
                new RedriveFilter(null, null, null, null, Set.of("job-0043"))));
        List<Message> onJobs = mq.drain(jobs);
        assertThat(onJobs).singleElement().extracting(Message::body).isEqualTo(original);
    }

    @Test
    void redrive_withTimeFilters_movesOnlyThatWindow() {
        seed500();
        // Failed between 2 and 3 hours ago: i*10 min in (120, 180) -> i = 13..17.
        RedriveFilter filter = new RedriveFilter(null, null, TimeSpec.parse("2h", now), TimeSpec.parse("3h", now), null);
        RedriveReport r = new DlqRedriver(mq.sqs, auditSink).redrive(RedriveRequest.of(dlq, filter).withMaxRedrives(10));
        assertThat(Set.copyOf(r.movedJobIds())).containsExactlyInAnyOrder("job-0013", "job-0014", "job-0015", "job-0016", "job-0017");
    }

    @Test
    void redrive_dryRun_movesNothing() {
        seed500();
        RedriveFilter filter = new RedriveFilter(Set.of("sns.publish"), null, null, null, null);
        RedriveReport r = new DlqRedriver(mq.sqs, auditSink).redrive(RedriveRequest.of(dlq, filter).withDryRun(true));

        assertThat(r.dryRun()).isTrue();
        assertThat(Set.copyOf(r.movedJobIds())).isEqualTo(ids(x -> x.type().equals("sns.publish") && x.redriveCount() < 3));
        assertThat(mq.visible(jobs)).isZero();
        assertThat(mq.visible(dlq)).isEqualTo(500);
        assertThat(mq.inFlight(dlq)).isZero();
        assertThat(audits).singleElement().satisfies(a -> assertThat(a.dryRun()).isTrue());
    }

    @Test
    void redrive_whenFilterMatchesNothing_movesNothing() {
        seed500();
        RedriveReport r = new DlqRedriver(mq.sqs, auditSink).redrive(RedriveRequest.of(dlq,
                new RedriveFilter(Set.of("no.such.type"), null, null, null, null)));
        assertThat(r.matched()).isZero();
        assertThat(r.moved()).isEmpty();
        assertThat(mq.visible(dlq)).isEqualTo(500);
    }

    @Test
    void redrive_crashBetweenSendAndDelete_losesNothing() {
        seed500();
        FaultySqsClient faulty = new FaultySqsClient(mq.sqs, 40);
        RedriveFilter filter = new RedriveFilter(Set.of("webhook"), null, null, null, null);

        assertThatThrownBy(() -> new DlqRedriver(faulty, auditSink).redrive(RedriveRequest.of(dlq, filter)))
                .isInstanceOf(FaultySqsClient.Crash.class);

        // 40 sent, 39 deleted: the 40th is in both queues; every job is somewhere.
        assertThat(faulty.sends.get()).isEqualTo(40);
        Set<String> onJobs = jobIdsOf(mq.drain(jobs));
        Set<String> inDlq = mq.jobIds(dlq);
        assertThat(onJobs).hasSize(40);
        Set<String> union = new HashSet<>(onJobs);
        union.addAll(inDlq);
        assertThat(union).isEqualTo(ids(x -> true));
        Set<String> both = new HashSet<>(onJobs);
        both.retainAll(inDlq);
        assertThat(both).hasSize(1);
        // The scan released what it held, also on the crash path.
        assertThat(mq.inFlight(dlq)).isZero();
    }

    @Test
    void redrive_refusesJobsAtTheLimit_andTheLimitHoldsAcrossRoundTrips() {
        seeded = DeadLetterSeed.seed(mq.sqs, dlq, jobsName, 3, now, i -> 0);
        DlqRedriver redriver = new DlqRedriver(mq.sqs, auditSink);
        RedriveFilter all = new RedriveFilter(null, Set.of("HttpStatus404", "HttpStatus500", "Timeout"), null, null, null);
        RedriveRequest request = RedriveRequest.of(dlq, all).withMaxRedrives(2);
        for (int round = 1; round <= 3; round++) {
            RedriveReport r = redriver.redrive(request);
            if (round <= 2) {
                assertThat(r.moved()).as("round " + round).hasSize(3);
                int expected = round;
                assertThat(r.moved()).allSatisfy(m -> assertThat(m.redriveCount()).isEqualTo(expected));
                // The job dies again: the worker parks it with a fresh reason and keeps the history attributes.
                for (Message m : mq.drain(jobs)) {
                    java.util.Map<String, MessageAttributeValue> attrs = new java.util.HashMap<>(m.messageAttributes());
                    attrs.put(DlqAttributes.ERROR, MessageAttributeValue.builder().dataType("String").stringValue("Timeout").build());
                    attrs.put(DlqAttributes.SOURCE_QUEUE, MessageAttributeValue.builder().dataType("String").stringValue(jobsName).build());
                    mq.sqs.sendMessage(b -> b.queueUrl(dlq).messageBody(m.body()).messageAttributes(attrs));
                }
            } else {
                assertThat(r.moved()).isEmpty();
                assertThat(r.refused()).hasSize(3).allSatisfy(x -> {
                    assertThat(x.redriveCount()).isEqualTo(2);
                    assertThat(x.reason()).contains("limit 2");
                });
            }
        }
        assertThat(mq.visible(dlq)).isEqualTo(3);
        assertThat(mq.visible(jobs)).isZero();
    }

    @Test
    void redrive_maxAndRate_moveAtMostMax_atTheRate() {
        seed500();
        long t0 = System.nanoTime();
        RedriveReport r = new DlqRedriver(mq.sqs, auditSink).redrive(RedriveRequest.of(dlq,
                new RedriveFilter(Set.of("webhook"), null, null, null, null)).withMax(10).withRate(20.0));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.moved()).hasSize(10);
        assertThat(mq.visible(jobs)).isEqualTo(10);
        // 10 sends at 20/s take at least 9 intervals of 50 ms.
        assertThat(seconds).isGreaterThanOrEqualTo(0.45);
        assertThat(mq.visible(dlq) + mq.inFlight(dlq)).isEqualTo(490);
    }

    @Test
    void messagesSqsMovedItself_areReportedAsMaxReceiveCountExceeded_andRedrivenToTheirOnlySource() {
        String[] q = mq.jobsAndDlq(jobsName + "-mrc", 1);
        String body = "{\"version\":1,\"id\":\"job-sqs-moved\",\"type\":\"webhook\",\"payload\":{},\"created_at\":\"2026-11-21T10:00:00Z\"}";
        mq.sqs.sendMessage(b -> b.queueUrl(q[0]).messageBody(body));
        mq.sqs.sendMessage(b -> b.queueUrl(q[0]).messageBody("not json"));
        // Received once (maxReceiveCount 1) and never deleted: ElasticMQ moves each to the DLQ on the next receive.
        mq.sqs.receiveMessage(b -> b.queueUrl(q[0]).maxNumberOfMessages(10).visibilityTimeout(0));
        ElasticMq.await("SQS to move both to the DLQ", Duration.ofSeconds(10), () -> {
            mq.sqs.receiveMessage(b -> b.queueUrl(q[0]).maxNumberOfMessages(10).visibilityTimeout(0));
            return mq.visible(q[1]) == 2;
        });

        DlqSummary s = new DlqInspector(mq.sqs).inspect(q[1], 100);
        assertThat(s.byError()).containsEntry(DlqAttributes.MAX_RECEIVE_COUNT_EXCEEDED, 2);
        assertThat(s.byType()).containsEntry("webhook", 1).containsEntry(DlqAttributes.UNKNOWN, 1);

        RedriveReport r = new DlqRedriver(mq.sqs, auditSink).redrive(RedriveRequest.of(q[1],
                new RedriveFilter(Set.of("webhook"), Set.of(DlqAttributes.MAX_RECEIVE_COUNT_EXCEEDED), null, null, null)));
        assertThat(r.movedJobIds()).containsExactly("job-sqs-moved");
        assertThat(r.moved().get(0).destination()).isEqualTo(jobsName + "-mrc");
        assertThat(mq.visible(q[0])).isEqualTo(1);
    }

    @Test
    void unfilteredRedrive_startsAnSqsMoveTask_thatMovesEverythingToTheSourceQueue() {
        seeded = DeadLetterSeed.seed(mq.sqs, dlq, jobsName, 50, now, i -> 0);
        DlqRedriver redriver = new DlqRedriver(mq.sqs, auditSink);
        RedriveReport r = redriver.redrive(RedriveRequest.of(dlq, RedriveFilter.NONE));

        assertThat(r.mode()).isEqualTo("move-task");
        assertThat(r.moveTasks()).singleElement().satisfies(t -> {
            assertThat(t.taskHandle()).isNotBlank();
            assertThat(t.destinationArn()).isEqualTo(mq.arn(jobs));
        });
        ElasticMq.await("the move task to move 50 messages", Duration.ofSeconds(20), () -> mq.visible(jobs) == 50);
        assertThat(mq.visible(dlq)).isZero();
        RedriveReport status = redriver.moveTaskStatus(dlq, "test");
        assertThat(status.moveTasks()).isNotEmpty();
        assertThat(status.moveTasks().get(0).sourceArn()).isEqualTo(mq.arn(dlq));
        assertThat(audits).singleElement().satisfies(a -> assertThat(a.moveTaskHandle()).isEqualTo(r.moveTasks().get(0).taskHandle()));
    }

    @Test
    void unfilteredRedrive_isRefusedWhenAJobIsAtTheLimit_andAllMovesTheOthersMessageByMessage() {
        seeded = DeadLetterSeed.seed(mq.sqs, dlq, jobsName, 20, now, i -> i == 3 ? 3 : 0);
        DlqRedriver redriver = new DlqRedriver(mq.sqs, auditSink);
        RedriveReport refused = redriver.redrive(RedriveRequest.of(dlq, RedriveFilter.NONE));
        assertThat(refused.stopReason()).isEqualTo("REFUSED_REDRIVE_LIMIT");
        assertThat(refused.refused()).extracting(RedriveReport.Refused::jobId).containsExactly("job-0003");
        assertThat(mq.visible(dlq)).isEqualTo(20);

        RedriveReport all = redriver.redrive(RedriveRequest.of(dlq, RedriveFilter.NONE).withAll(true));
        assertThat(all.moved()).hasSize(19);
        assertThat(mq.jobIds(dlq)).containsExactly("job-0003");
    }


    @Test
    void redrive_whenAJobDiesAgainDuringTheRun_movesItOnlyOnce() {
        seeded = DeadLetterSeed.seed(mq.sqs, dlq, jobsName, 5, now, i -> 0);
        // A worker that fails every job at once and parks it again, dropping the history (as a worker that does not
        // carry outrigger-redrive-count would): the same job ids reappear in the DLQ while the redrive runs.
        FaultySqsClient bouncing = new FaultySqsClient(mq.sqs, Integer.MAX_VALUE) {
            @Override
            public software.amazon.awssdk.services.sqs.model.SendMessageResponse sendMessage(
                    software.amazon.awssdk.services.sqs.model.SendMessageRequest r) {
                var response = super.sendMessage(r);
                java.util.Map<String, MessageAttributeValue> reason = new java.util.HashMap<>();
                reason.put(DlqAttributes.ERROR, MessageAttributeValue.builder().dataType("String").stringValue("UnknownJobType").build());
                reason.put(DlqAttributes.SOURCE_QUEUE, MessageAttributeValue.builder().dataType("String").stringValue(jobsName).build());
                mq.sqs.sendMessage(b -> b.queueUrl(dlq).messageBody(r.messageBody()).messageAttributes(reason));
                return response;
            }
        };
        RedriveReport r = new DlqRedriver(bouncing, auditSink).redrive(RedriveRequest.of(dlq,
                new RedriveFilter(null, Set.of("HttpStatus404", "HttpStatus500", "Timeout", "SsrfRefused", "InvalidEnvelope", "UnknownJobType"),
                        null, null, null)));
        assertThat(r.moved()).hasSize(5);
        assertThat(Set.copyOf(r.movedJobIds())).hasSize(5);
        assertThat(r.refused()).hasSize(5).allSatisfy(x -> assertThat(x.reason()).contains("earlier in this run"));
    }


    @Test
    void moveTask_atOnePerSecond_canBeCancelled_andNothingIsLost() {
        seeded = DeadLetterSeed.seed(mq.sqs, dlq, jobsName, 50, now, i -> 0);
        DlqRedriver redriver = new DlqRedriver(mq.sqs, auditSink);
        RedriveReport started = redriver.redrive(RedriveRequest.of(dlq, RedriveFilter.NONE).withRate(1.0));
        assertThat(started.moveTasks()).singleElement().satisfies(t -> assertThat(t.maxPerSecond()).isEqualTo(1));

        RedriveReport cancelled = redriver.cancelMoveTask(dlq, "test");
        assertThat(cancelled.moveTasks()).singleElement().satisfies(t -> assertThat(t.status()).isEqualTo("CANCELLING"));
        // SQS lists a cancelled task as CANCELLED for 14 days; ElasticMQ 1.7.1 stops listing it.
        ElasticMq.await("the task to stop running", Duration.ofSeconds(10), () ->
                redriver.moveTaskStatus(dlq, "test").moveTasks().stream().noneMatch(t -> "RUNNING".equals(t.status())));
        assertThat(mq.visible(jobs)).isLessThan(50);
        assertThat(mq.visible(jobs) + mq.visible(dlq) + mq.inFlight(dlq)).isEqualTo(50);
        assertThat(audits).extracting(AuditRecord::action).containsExactly("move task started", "move task cancelled");
        assertThatThrownBy(() -> redriver.cancelMoveTask(dlq, "test")).hasMessageContaining("no running move task");
    }

    @Test
    void auditSinks_writeAJsonLogLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        seeded = DeadLetterSeed.seed(mq.sqs, dlq, jobsName, 5, now, i -> 0);
        new DlqRedriver(mq.sqs, AuditSink.jsonLog(new PrintStream(out, true, StandardCharsets.UTF_8)))
                .redrive(RedriveRequest.of(dlq, new RedriveFilter(null, Set.of("Timeout"), null, null, null)));
        String line = out.toString(StandardCharsets.UTF_8).trim();
        var json = dev.outrigger.core.Json.MAPPER.readTree(line);
        assertThat(json.path("audit").path("event").asText()).isEqualTo(AuditRecord.EVENT);
        assertThat(json.path("audit").path("jobIds").get(0).asText()).isEqualTo("job-0002");
        assertThat(json.path("audit").path("actor").asText()).isEqualTo("test");
        assertThat(json.path("audit").path("at").asText()).isNotBlank();
    }
}
