package dev.outrigger.core;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Configures any AWS SDK v2 client the same way, fast to start and pointable at the local runtime.
 *
 * <p>In Lambda, naming the region and the environment credentials provider skips the SDK's provider-chain
 * discovery, and the URLConnection HTTP client loads far fewer classes than Apache or Netty
 * (https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/lambda-optimize-starttime.html).
 * Locally, {@code AWS_ENDPOINT_URL_<SERVICE>} or {@code AWS_ENDPOINT_URL} sends the client to the embedded runtime.
 */
public final class AwsClientConfig {
    static final Region LOCAL_DEFAULT_REGION = Region.US_EAST_1;

    private AwsClientConfig() {
    }

    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(
            B builder, Env env, String endpointEnvSuffix) {
        Optional<String> endpoint = endpoint(env, endpointEnvSuffix);
        Region region = env.get("AWS_REGION").or(() -> env.get("AWS_DEFAULT_REGION"))
                .map(Region::of).orElse(LOCAL_DEFAULT_REGION);
        builder.region(region);
        builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(20)));
        if (endpoint.isPresent()) {
            builder.endpointOverride(URI.create(endpoint.get()));
            boolean hasKeys = env.get("AWS_ACCESS_KEY_ID").isPresent() && env.get("AWS_SECRET_ACCESS_KEY").isPresent();
            builder.credentialsProvider(StaticCredentialsProvider.create(hasKeys
                    ? AwsBasicCredentials.create(env.require("AWS_ACCESS_KEY_ID"), env.require("AWS_SECRET_ACCESS_KEY"))
                    : AwsBasicCredentials.create("local", "local")));
        } else if (env.get("AWS_LAMBDA_FUNCTION_NAME").isPresent()) {
            builder.credentialsProvider(EnvironmentVariableCredentialsProvider.create());
        }
        // Elsewhere (the CLI against real AWS) the SDK's default chain applies: profiles, SSO, instance roles.
        return builder;
    }

    public static Optional<String> endpoint(Env env, String endpointEnvSuffix) {
        return env.get("AWS_ENDPOINT_URL_" + endpointEnvSuffix).or(() -> env.get("AWS_ENDPOINT_URL"));
    }
}
