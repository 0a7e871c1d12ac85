package dev.outrigger.cutover;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.Json;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Input {"queues": [queue URLs]}; output {"drained": bool, "visible": n, "in_flight": n, "delayed": n,
 * "queues": [{"url", "visible", "in_flight", "delayed"}]}. The cutover state machine polls it (bounded) before it
 * flips the database, so no job runs against the old database after the flip. The input is read by
 * {@link QueuesDrainedRequest#from}, the output is {@link QueueDrainCheck.DrainStatus}; why the boundary stays a map:
 * {@link MaintenanceToggleHandler}.
 */
public final class QueuesDrainedHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final QueueDrainCheck check;

    public QueuesDrainedHandler() {
        this(Env.system());
    }

    public QueuesDrainedHandler(Env env) {
        this(new QueueDrainCheck(AwsClientConfig.configure(SqsClient.builder(), env, "SQS").build()));
    }

    QueuesDrainedHandler(QueueDrainCheck check) {
        this.check = check;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return Json.toMap(check.check(QueuesDrainedRequest.from(input).queues()));
    }
}
