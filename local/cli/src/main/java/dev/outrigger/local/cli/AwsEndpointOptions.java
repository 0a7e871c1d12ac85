package dev.outrigger.local.cli;

import java.net.URI;
import picocli.CommandLine.Option;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;

/**
 * The --aws option and where it and the service's --endpoint-url point ({@link AwsTarget}): a mixin. Each service's
 * subclass declares its own --endpoint-url (and --region where the command has one), because the description names
 * the service and its local default, and picocli descriptions are fixed per declaration.
 */
abstract class AwsEndpointOptions {
    @Option(names = "--aws", description = "use real AWS (default credentials chain and region)")
    boolean aws;

    /** --endpoint-url, or null for the local runtime's default. */
    abstract URI endpointOverride();

    /** --region, or null. */
    abstract String region();

    /** Where the local runtime serves this service. */
    abstract URI localDefault();

    AwsTarget target() {
        return new AwsTarget(aws, region(), endpointOverride());
    }

    boolean isAws() {
        return target().isAws();
    }

    /** "AWS [region]", or the local endpoint. */
    String where() {
        return target().where(localDefault());
    }

    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return target().build(builder, localDefault());
    }

    /** --aws, --region and --endpoint-url for SQS (`jobs send`, `queues`, `dlq`): a --region alone means real AWS. */
    static final class Sqs extends AwsEndpointOptions {
        private static final URI LOCAL_SQS = URI.create("http://127.0.0.1:9324");

        @Option(names = "--endpoint-url", description = "SQS endpoint (default: http://127.0.0.1:9324, the local runtime)")
        URI endpoint;

        @Option(names = "--region", description = "AWS region; without --endpoint-url it means real AWS")
        String region;

        @Override
        URI endpointOverride() {
            return endpoint;
        }

        @Override
        String region() {
            return region;
        }

        @Override
        URI localDefault() {
            return LOCAL_SQS;
        }
    }
}
