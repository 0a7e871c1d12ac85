package dev.outrigger.ops;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Formats an alarm state change and publishes it to the ops topic. For a DLQ alarm going to ALARM it first reads
 * the DLQ (at most {@link #DLQ_READ_LIMIT} messages, hidden for at most 30 s) to name the top failure reasons; if
 * that read fails the notification still goes out, saying so.
 */
public final class AlarmNotifier {
    static final int DLQ_READ_LIMIT = 1000;

    private final SnsClient sns;
    private final String opsTopicArn;
    private final DlqInspector inspector;
    private final Function<String, String> queueUrl;
    private final AlarmFormatter.Target target;

    /** @param queueUrl queue name to URL (GetQueueUrl in AWS, the template locally) */
    public AlarmNotifier(SnsClient sns, String opsTopicArn, DlqInspector inspector, Function<String, String> queueUrl,
                         AlarmFormatter.Target target) {
        this.sns = sns;
        this.opsTopicArn = opsTopicArn;
        this.inspector = inspector;
        this.queueUrl = queueUrl;
        this.target = target;
    }

    public AlarmMessage format(AlarmStateChange change) {
        Optional<DlqSummary> dlq = Optional.empty();
        String dlqError = null;
        if (change.isAlarm() && AlarmFormatter.kind(change) == AlarmFormatter.Kind.DLQ_NOT_EMPTY) {
            try {
                dlq = Optional.of(inspector.inspect(queueUrl.apply(AlarmFormatter.queueName(change)), DLQ_READ_LIMIT));
            } catch (RuntimeException e) {
                dlqError = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        return AlarmFormatter.format(change, target, dlq, dlqError);
    }

    /** Publishes and returns the SNS message id. */
    public String publish(AlarmMessage message) {
        return sns.publish(b -> b.topicArn(opsTopicArn).subject(message.subject()).message(message.body())
                .messageAttributes(Map.of(
                        "outrigger-event", attr("outrigger.alarm"),
                        "outrigger-alarm-kind", attr(message.kind().name()),
                        "outrigger-alarm-state", attr(message.state())))).messageId();
    }

    public AlarmMessage notify(AlarmStateChange change) {
        AlarmMessage m = format(change);
        publish(m);
        return m;
    }

    private static MessageAttributeValue attr(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v == null ? "?" : v).build();
    }
}
