package dev.outrigger.local.cli;

import dev.outrigger.local.template.LocalTemplate;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Where `jobs send` and `queues` talk to: the local runtime (default, http://127.0.0.1:9324) or, with --aws or a
 * --region and no --endpoint-url, real AWS with the default credentials chain.
 */
final class SqsTarget {
    @Mixin
    AwsEndpointOptions.Sqs awsOptions;

    @Option(names = {"-t", "--template"}, defaultValue = "template.yaml", description = "template, to resolve queue logical ids (default: ${DEFAULT-VALUE})")
    Path template;

    boolean isAws() {
        return awsOptions.isAws();
    }

    SqsClient client() {
        return awsOptions.client(SqsClient.builder());
    }

    String where() {
        return awsOptions.where();
    }

    /** The template if it exists (optional: jobs send works with a URL or name alone). */
    Optional<LocalTemplate> loadTemplate() {
        return TemplateOption.ifExists(template);
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
