package dev.outrigger.cutover;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Input {"queues": [queue URLs]}; output {"drained": bool, "visible": n, "in_flight": n, "delayed": n,
 * "queues": [{"url", "visible", "in_flight", "delayed"}]}. The cutover state machine polls it (bounded) before it
 * flips the database, so no job runs against the old database after the flip.
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
        Object queues = input == null ? null : input.get("queues");
        if (!(queues instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("input.queues must be a non-empty list of SQS queue URLs");
        }
        List<String> urls = new ArrayList<>();
        for (Object q : list) {
            if (!(q instanceof String url) || !url.startsWith("http")) {
                throw new IllegalArgumentException("input.queues: " + q + " is not a queue URL");
            }
            urls.add(url);
        }
        QueueDrainCheck.DrainStatus s = check.check(urls);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("drained", s.drained());
        out.put("visible", s.visible());
        out.put("in_flight", s.inFlight());
        out.put("delayed", s.delayed());
        List<Map<String, Object>> per = new ArrayList<>();
        for (QueueDrainCheck.QueueDepth d : s.queues()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", d.queueUrl());
            m.put("visible", d.visible());
            m.put("in_flight", d.inFlight());
            m.put("delayed", d.delayed());
            per.add(m);
        }
        out.put("queues", per);
        return out;
    }
}
