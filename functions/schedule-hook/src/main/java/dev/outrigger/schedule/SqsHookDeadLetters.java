package dev.outrigger.schedule;

import dev.outrigger.core.DeadLetterAttributes;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * {@link HookDeadLetters} on the SchedulerDLQ queue. The message carries the {@code outrigger-*} attributes the job
 * worker writes on its dead letters (DESIGN.md, "Outcomes"), so {@code outrigger dlq inspect} and the alarm
 * notification group and explain them like any other: type {@code hook:<name>}, the error ({@code Http404}), the job
 * id (hook and scheduled time), the reason. It has no {@code outrigger-source-queue}: it came from no queue, so a
 * redrive refuses it unless told where to send it.
 */
public final class SqsHookDeadLetters implements HookDeadLetters {
    public static final String QUEUE_URL_ENV = "SCHEDULER_DLQ_URL";

    private final Supplier<SqsClient> sqs;
    private final String queueUrl;

    /** The client is asked for at the first dead letter: a cold start whose hook succeeds never builds it. */
    public SqsHookDeadLetters(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(DeadLetter deadLetter) {
        sqs.get().sendMessage(request(queueUrl, deadLetter));
    }

    static SendMessageRequest request(String queueUrl, DeadLetter d) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(DeadLetterAttributes.ERROR, string(DeadLetterAttributes.sanitize(d.error())));
        attributes.put(DeadLetterAttributes.ERROR_MESSAGE, string(DeadLetterAttributes.errorMessage(d.reason())));
        attributes.put(DeadLetterAttributes.ATTEMPTS, MessageAttributeValue.builder().dataType("Number").stringValue("1").build());
        attributes.put(DeadLetterAttributes.FAILED_AT,
                string(DateTimeFormatter.ISO_INSTANT.format(d.failedAt().truncatedTo(ChronoUnit.MILLIS))));
        if (d.jobId() != null) {
            attributes.put(DeadLetterAttributes.JOB_ID, string(DeadLetterAttributes.sanitize(d.jobId())));
        }
        attributes.put(DeadLetterAttributes.JOB_TYPE, string(DeadLetterAttributes.sanitize(d.jobType())));
        return SendMessageRequest.builder().queueUrl(queueUrl).messageBody(d.body()).messageAttributes(attributes).build();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
