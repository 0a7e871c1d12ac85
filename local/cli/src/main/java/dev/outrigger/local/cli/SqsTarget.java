package dev.outrigger.local.cli;

import dev.outrigger.local.template.LocalEndpoints;
import dev.outrigger.local.template.LocalTemplate;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Where `jobs send` and `queues` talk to: the local runtime (default, http://127.0.0.1:9324) or, with --aws or a
 * --region and no --endpoint-url, real AWS with the default credentials chain.
 */
final class SqsTarget {
    @Option(names = "--endpoint-url", description = "SQS endpoint (default: http://127.0.0.1:9324, the local runtime)")
    URI endpoint;

    @Option(names = "--aws", description = "use real AWS (default credentials chain and region)")
    boolean aws;

    @Option(names = "--region", description = "AWS region; without --endpoint-url it means real AWS")
    String region;

    @Option(names = {"-t", "--template"}, defaultValue = "template.yaml", description = "template, to resolve queue logical ids (default: ${DEFAULT-VALUE})")
    Path template;

    private static final URI LOCAL_SQS = URI.create("http://127.0.0.1:9324");

    private AwsTarget aws() {
        return new AwsTarget(aws, region, endpoint);
    }

    boolean isAws() {
        return aws().isAws();
    }

    SqsClient client() {
        return aws().build(SqsClient.builder(), LOCAL_SQS);
    }

    String where() {
        return aws().where(LOCAL_SQS);
    }

    /** The template if it exists (optional: jobs send works with a URL or name alone). */
    Optional<LocalTemplate> loadTemplate() {
        if (template == null || !Files.exists(template)) {
            return Optional.empty();
        }
        return Optional.of(LocalTemplate.load(template, Map.of(), LocalEndpoints.defaults()));
    }

    /** A queue URL from a URL, a logical id of the template, or a queue name. */
    String queueUrl(SqsClient sqs, String queue) {
        if (queue.startsWith("http://") || queue.startsWith("https://")) {
            return queue;
        }
        String name = loadTemplate().flatMap(t -> t.queue(queue)).map(q -> q.name()).orElse(queue);
        try {
            return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        } catch (QueueDoesNotExistException e) {
            throw new IllegalArgumentException("--queue " + queue + ": no queue named " + name + " at " + where()
                    + (isAws() ? "" : " (is `./outrigger local up` running?)"));
        }
    }
}
