package dev.outrigger.local.cli;

import dev.outrigger.local.template.LocalTemplate;
import dev.outrigger.local.template.TopicDef;
import dev.outrigger.ops.AuditSink;
import dev.outrigger.ops.OpsService;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Where `outrigger dlq` works: the local runtime by default (SQS on http://127.0.0.1:9324, SNS on the runtime's
 * emulator, http://127.0.0.1:9325), or real AWS with --aws / --region (default credentials chain).
 */
final class OpsTarget {
    @Mixin
    AwsEndpointOptions.Sqs awsOptions;

    @Option(names = "--sns-endpoint-url", description = "SNS endpoint for the audit event locally (default: http://127.0.0.1:9325)")
    URI snsEndpoint;

    @Option(names = {"-t", "--template"}, defaultValue = "template.yaml",
            description = "template, to resolve logical ids and the ops topic locally (default: ${DEFAULT-VALUE})")
    Path template;

    @Option(names = "--ops-topic-arn", description = "SNS topic for the audit event (default: $OUTRIGGER_OPS_TOPIC_ARN, "
            + "locally the template's OpsTopic)")
    String opsTopicArn;

    private static final URI LOCAL_SNS = URI.create("http://127.0.0.1:9325");

    boolean isAws() {
        return awsOptions.isAws();
    }

    /** --region, or null. */
    String region() {
        return awsOptions.region();
    }

    String where() {
        return awsOptions.where();
    }

    SqsClient sqs() {
        return awsOptions.client(SqsClient.builder());
    }

    SnsClient sns() {
        return awsOptions.target().build(SnsClient.builder(), snsEndpoint, LOCAL_SNS);
    }

    Optional<LocalTemplate> localTemplate() {
        return isAws() ? Optional.empty() : TemplateOption.ifExists(template);
    }

    /** A DLQ URL: a logical id (locally), a name, URL or ARN; a jobs queue stands for its DLQ. */
    String dlqUrl(OpsService ops, String queue) {
        String ref = localTemplate().flatMap(t -> t.queue(queue)).map(q -> q.name()).orElse(queue);
        try {
            return ops.dlqUrl(ref);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--queue " + queue + ": " + e.getMessage() + " at " + where()
                    + (isAws() ? "" : " (is `./outrigger local up` running?)"));
        }
    }

    /** The ops topic for audit events, if known. */
    Optional<String> opsTopic() {
        if (opsTopicArn != null) {
            return Optional.of(opsTopicArn);
        }
        Optional<String> env = Optional.ofNullable(System.getenv("OUTRIGGER_OPS_TOPIC_ARN")).filter(s -> !s.isBlank());
        if (env.isPresent()) {
            return env;
        }
        return localTemplate().flatMap(t -> Optional.ofNullable(t.topics().get("OpsTopic")).or(() -> t.topics().values().stream()
                .filter(x -> x.name() != null && x.name().endsWith("-ops")).findFirst())).map(TopicDef::arn);
    }

    /** A JSON line on stderr always; the ops topic when known. */
    AuditSink audit(SnsClient sns) {
        List<AuditSink> sinks = new ArrayList<>();
        sinks.add(AuditSink.jsonLog(System.err));
        opsTopic().ifPresent(arn -> sinks.add(AuditSink.sns(sns, arn)));
        return AuditSink.all(sinks);
    }

    /** Who runs the command: the IAM identity on AWS (STS GetCallerIdentity), $USER locally. */
    String actor() {
        String user = Optional.ofNullable(System.getenv("USER")).orElse(System.getProperty("user.name", "unknown"));
        if (!isAws()) {
            return user + "@local";
        }
        try (StsClient sts = awsOptions.target().buildAws(StsClient.builder())) {
            return sts.getCallerIdentity().arn();
        } catch (RuntimeException e) {
            return user + " (GetCallerIdentity failed: " + e.getMessage() + ")";
        }
    }
}
