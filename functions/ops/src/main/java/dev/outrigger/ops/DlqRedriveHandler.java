package dev.outrigger.ops;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.outrigger.core.AwsClientConfig;
import dev.outrigger.core.Env;
import dev.outrigger.core.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Inspect and redrive for operators using {@code sam remote invoke} or the console:
 * <pre>{"action": "inspect", "queue": "outrigger-prod-jobs-default-dlq"}
 * {"action": "redrive", "queue": "…", "error": ["HttpStatus404"], "olderThan": "2h", "dryRun": true, "requestedBy": "ana"}</pre>
 * Actions: inspect, show (jobId), redrive, status, cancel. Filters as in the CLI: type, error, olderThan,
 * newerThan, jobId (string or list), max, rate, maxRedrives, all, to, read by {@link DlqOpsRequest#from}. Returns the
 * same report the CLI prints, as JSON. The boundary stays a map: a typed input would be read with Jackson before the
 * handler runs, and refused with Jackson's messages instead of the ones above.
 *
 * <p>Environment: OUTRIGGER_OPS_TOPIC_ARN (audit events), AWS_REGION.
 */
public class DlqRedriveHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final OpsService service;

    public DlqRedriveHandler() {
        this(Env.system());
    }

    public DlqRedriveHandler(Env env) {
        this(service(env));
    }

    DlqRedriveHandler(OpsService service) {
        this.service = service;
    }

    private static OpsService service(Env env) {
        SqsClient sqs = AwsClientConfig.configure(SqsClient.builder(), env, "SQS").build();
        SnsClient sns = AwsClientConfig.configure(SnsClient.builder(), env, "SNS").build();
        AuditSink audit = env.get("OUTRIGGER_OPS_TOPIC_ARN")
                .map(arn -> AuditSink.all(List.of(AuditSink.jsonLog(System.out), AuditSink.sns(sns, arn))))
                .orElse(AuditSink.jsonLog(System.out));
        return new OpsService(sqs, audit);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        // Lambda does not tell a function who invoked it: the audit names the invocation (CloudTrail's Invoke
        // record for that request id names the IAM principal) and whoever the caller says they are.
        DlqOpsRequest request = DlqOpsRequest.from(input);
        String actor = "lambda:" + (context == null ? "?" : context.getFunctionName() + "/" + context.getAwsRequestId());
        if (request.requestedBy() != null) {
            actor = request.requestedBy() + " via " + actor;
        }
        Duration budget = context == null ? RedriveRequest.DEFAULT_TIME_BUDGET
                : Duration.ofMillis(Math.max(5_000, context.getRemainingTimeInMillis() - 20_000L));
        return Json.toMap(service.run(request, actor, budget));
    }
}
