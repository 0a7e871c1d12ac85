package dev.outrigger.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Reads a whole queue without consuming it. SQS has no "peek": a receive hides the message for the visibility
 * timeout. So every message seen is kept hidden while the scan goes on (otherwise the next receive would return it
 * again and the scan could not tell that it has seen everything), and all of them are made visible again with
 * ChangeMessageVisibility(0) at the end, also when the scan fails half-way.
 *
 * <p>Receives long-poll for one second: a short-polling receive samples only some SQS servers and can come back
 * empty while messages exist (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html).
 * The scan ends after {@code quietReceives} receives in a row bring no message it has not seen, at the limit, or
 * when the time budget is spent. A long scan (a rate-limited redrive) keeps its messages hidden by extending their
 * visibility every half timeout, so the timeout (how long messages stay hidden if this process dies) stays short.
 */
final class DlqScanner {
    /** What the visitor did with a message: leave it in the queue (made visible again at the end) or consumed it. */
    enum Disposition { RELEASE, CONSUMED }

    interface Visitor {
        Disposition visit(DeadLetter message);

        /** Checked before each receive; true ends the scan (e.g. a redrive reached --max). */
        default boolean done() {
            return false;
        }
    }

    /**
     * @param visibility     how long each seen message stays hidden if this process died before releasing it
     * @param budget         how long the scan may take
     * @param limit          at most this many distinct messages
     * @param quietReceives  receives in a row without a new message that end the scan
     */
    record Options(Duration visibility, Duration budget, int limit, int quietReceives) {
        Options {
            if (visibility.toSeconds() < 2 || visibility.toSeconds() > 43_200) {
                throw new IllegalArgumentException("visibility timeout must be 2 s to 12 h (SQS's limit): " + visibility);
            }
        }

        /** Inspect and show: 30 s hidden at most, 20 s to read. */
        static Options peek(int limit) {
            return new Options(Duration.ofSeconds(30), Duration.ofSeconds(20), limit, 2);
        }
    }

    enum StopReason { QUEUE_EXHAUSTED, LIMIT, TIME_BUDGET, VISITOR_DONE }

    /**
     * @param approximateTotal    SQS's ApproximateNumberOfMessages when the scan began (visible messages)
     * @param approximateInFlight SQS's ApproximateNumberOfMessagesNotVisible when the scan began: messages another reader
     *                            had received and not yet deleted or released (a redrive or inspect running at the same
     *                            time, the alarm notification's summary). The scan cannot see them; nothing else
     *                            consumes a DLQ, so they are back as soon as that reader is done.
     */
    record Result(int seen, int released, int releaseFailures, StopReason stopReason, Integer approximateTotal,
                  Integer approximateInFlight) {
    }

    /** The queue's approximate counts (null where SQS did not say). */
    record Counts(Integer visible, Integer inFlight) {
    }

    private final SqsClient sqs;
    private final Clock clock;

    DlqScanner(SqsClient sqs, Clock clock) {
        this.sqs = sqs;
        this.clock = clock;
    }

    Counts approximateCounts(String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return new Counts(integer(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
                integer(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
    }

    private static Integer integer(String v) {
        return v == null ? null : Integer.valueOf(v);
    }

    Result scan(String queueUrl, Options options, Visitor visitor) {
        Counts atStart = approximateCounts(queueUrl);
        Instant deadline = clock.instant().plus(options.budget());
        // Latest receipt handle per message id: only the most recent one is sure to work
        // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html).
        Map<String, String> held = new LinkedHashMap<>();
        int seen = 0;
        int quiet = 0;
        StopReason stop = StopReason.QUEUE_EXHAUSTED;
        int visibility = (int) options.visibility().toSeconds();
        java.util.Set<String> consumed = new java.util.HashSet<>();
        ReleaseOutcome released;
        Instant lastExtended = clock.instant();
        try {
            while (true) {
                if (visitor.done()) {
                    stop = StopReason.VISITOR_DONE;
                    break;
                }
                if (seen >= options.limit()) {
                    stop = StopReason.LIMIT;
                    break;
                }
                if (!clock.instant().isBefore(deadline)) {
                    stop = StopReason.TIME_BUDGET;
                    break;
                }
                if (quiet >= options.quietReceives()) {
                    break;
                }
                // Short polls while they bring new messages (fast); a long poll to confirm the queue is read out.
                int wait = quiet == 0 ? 0 : 1;
                ReceiveMessageResponse r = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                        .visibilityTimeout(visibility).waitTimeSeconds(wait)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL));
                List<Message> fresh = new ArrayList<>();
                // Hold the whole batch before visiting any: if a visit fails, the rest is still released.
                for (Message m : r.messages()) {
                    if (consumed.contains(m.messageId())) {
                        continue;   // a deleted message's duplicate delivery; nothing to hold
                    }
                    boolean known = held.containsKey(m.messageId());
                    held.put(m.messageId(), m.receiptHandle());
                    if (!known && seen + fresh.size() < options.limit()) {
                        fresh.add(m);
                    }
                }
                for (Message m : fresh) {
                    seen++;
                    lastExtended = keepHidden(queueUrl, held, visibility, lastExtended);
                    if (visitor.visit(DeadLetter.from(m)) == Disposition.CONSUMED) {
                        held.remove(m.messageId());
                        consumed.add(m.messageId());
                    }
                }
                lastExtended = keepHidden(queueUrl, held, visibility, lastExtended);
                boolean gotNew = !fresh.isEmpty();
                quiet = gotNew ? 0 : quiet + 1;
            }
        } finally {
            // Also when a receive or the visitor failed: nothing seen stays hidden longer than it must.
            released = release(queueUrl, new ArrayList<>(held.entrySet()));
        }
        return new Result(seen, released.released(), released.failures(), stop, atStart.visible(), atStart.inFlight());
    }

    private record ReleaseOutcome(int released, int failures) {
    }

    /** Every half visibility timeout, hides the held messages for another full timeout. */
    private Instant keepHidden(String queueUrl, Map<String, String> held, int visibility, Instant lastExtended) {
        Instant now = clock.instant();
        if (Duration.between(lastExtended, now).toMillis() < visibility * 500L) {
            return lastExtended;
        }
        setVisibility(queueUrl, new ArrayList<>(held.entrySet()), visibility);
        return now;
    }

    /** Makes held messages visible again. */
    private ReleaseOutcome release(String queueUrl, List<Map.Entry<String, String>> held) {
        return setVisibility(queueUrl, held, 0);
    }

    /** ChangeMessageVisibility for many messages, ten per call (the batch maximum). */
    private ReleaseOutcome setVisibility(String queueUrl, List<Map.Entry<String, String>> held, int seconds) {
        int released = 0;
        int failures = 0;
        for (int i = 0; i < held.size(); i += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            List<Map.Entry<String, String>> chunk = held.subList(i, Math.min(held.size(), i + 10));
            for (int j = 0; j < chunk.size(); j++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(j))
                        .receiptHandle(chunk.get(j).getValue()).visibilityTimeout(seconds).build());
            }
            try {
                ChangeMessageVisibilityBatchResponse r = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
                released += r.successful().size();
                failures += r.failed().size();
            } catch (RuntimeException e) {
                // Keep going with the rest; these reappear by themselves when their visibility timeout ends.
                failures += chunk.size();
            }
        }
        return new ReleaseOutcome(released, failures);
    }
}
