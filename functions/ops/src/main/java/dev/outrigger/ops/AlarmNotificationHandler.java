package dev.outrigger.ops;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.Json;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * EventBridge "CloudWatch Alarm State Change" (the template's rule matches this stack's alarms) → a readable
 * message on the ops topic. Also accepts an SNS-delivered CloudWatch alarm notification. The event is read by
 * {@link AlarmStateChange#parse}; the result is an {@link AlarmPublished}.
 *
 * <p>Environment: OUTRIGGER_OPS_TOPIC_ARN (where to publish), AWS_REGION.
 */
public class AlarmNotificationHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final AlarmNotifier notifier;

    public AlarmNotificationHandler() {
        this(Env.system());
    }

    public AlarmNotificationHandler(Env env) {
        this(notifier(env));
    }

    AlarmNotificationHandler(AlarmNotifier notifier) {
        this.notifier = notifier;
    }

    private static AlarmNotifier notifier(Env env) {
        SqsClient sqs = AwsClientConfig.configure(SqsClient.builder(), env, "SQS").build();
        SnsClient sns = AwsClientConfig.configure(SnsClient.builder(), env, "SNS").build();
        Queues queues = new Queues(sqs);
        boolean local = AwsClientConfig.endpoint(env, "SQS").isPresent();
        String region = env.get("AWS_REGION").orElse("us-east-1");
        return new AlarmNotifier(sns, env.require("OUTRIGGER_OPS_TOPIC_ARN"), new DlqInspector(sqs), queues::url,
                local ? AlarmFormatter.Target.local() : AlarmFormatter.Target.aws(region));
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        AlarmStateChange change = AlarmStateChange.parse(Json.MAPPER.valueToTree(event));
        AlarmMessage message = notifier.format(change);
        String id = notifier.publish(message);
        System.out.println(Json.write(Map.of("level", "INFO", "message", "alarm notification published",
                "alarm", change.alarmName(), "state", String.valueOf(change.state()), "kind", message.kind().name())));
        return Json.toMap(new AlarmPublished(id, message.subject(), message.kind().name()));
    }
}
