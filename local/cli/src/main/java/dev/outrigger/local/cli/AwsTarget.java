package dev.outrigger.local.cli;

import dev.outrigger.local.template.LocalEndpoints;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Where a command's AWS SDK clients point, from its --aws / --region / --endpoint-url options: real AWS (--aws, or a
 * --region without --endpoint-url) with the default credentials chain and the optional region, else the local
 * runtime's endpoint with static {@code local} credentials and the given region (default us-east-1).
 *
 * @param aws      --aws
 * @param region   --region, or null
 * @param endpoint --endpoint-url, or null (the local default)
 */
public record AwsTarget(boolean aws, String region, URI endpoint) {
    public boolean isAws() {
        return aws || (region != null && endpoint == null);
    }

    /** "AWS [region]", or the local endpoint (localDefault when no --endpoint-url). */
    public String where(URI localDefault) {
        return isAws() ? "AWS" + (region == null ? "" : " " + region) : orDefault(endpoint, localDefault).toString();
    }

    /** A client on AWS or on the local endpoint (--endpoint-url, else localDefault). */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, URI localDefault) {
        return build(builder, endpoint, localDefault);
    }

    /** A client on AWS or, locally, on localEndpoint (else localDefault): for a service with its own endpoint option. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, URI localEndpoint, URI localDefault) {
        if (isAws()) {
            return buildAws(builder);
        }
        return builder.endpointOverride(orDefault(localEndpoint, localDefault))
                .region(Region.of(region == null ? LocalEndpoints.DEFAULT_REGION : region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** A client on real AWS: default credentials chain, the region if given. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C buildAws(B builder) {
        builder.httpClient(UrlConnectionHttpClient.create());
        if (region != null) {
            builder.region(Region.of(region));
        }
        return builder.build();
    }

    private static URI orDefault(URI uri, URI localDefault) {
        return uri == null ? localDefault : uri;
    }
}
