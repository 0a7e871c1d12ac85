package dev.outrigger.bench.launch;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * Cold start of the worker's SQS client alone, one fresh JVM per run: build the client, make one call
 * (GetQueueUrl against the parent's ElasticMQ), print timings. Usage:
 * {@code SqsClientStartMain <core|urlconnection|apache|crt> <explicit|chain> <queue name>}.
 * <ul>
 *   <li>{@code core}: exactly what the worker does, {@code AwsClientConfig.configure(SqsClient.builder(), env, "SQS")};</li>
 *   <li>{@code explicit}: region and the environment-variable credentials provider named up front;</li>
 *   <li>{@code chain}: the SDK's default region and credentials provider chains (what a builder does untouched).</li>
 * </ul>
 * Each HTTP client sits in its own nested class so its classes load only when chosen (and need only be on the
 * class path then).
 */
public final class SqsClientStartMain {
    private SqsClientStartMain() {
    }

    public static void main(String[] args) throws Exception {
        long mainNs = System.nanoTime();
        long mainMs = System.currentTimeMillis();
        String http = args[0];
        String config = args[1];
        String queue = args[2];
        SqsClient client;
        if ("core".equals(http)) {
            client = CoreConfigured.build();
        } else {
            SqsClientBuilder builder = SqsClient.builder()
                    .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL_SQS")));
            if ("explicit".equals(config)) {
                builder.region(Region.of(System.getenv("AWS_REGION")))
                        .credentialsProvider(EnvironmentVariableCredentialsProvider.create());
            }
            builder.httpClient(switch (http) {
                case "urlconnection" -> UrlConnection.build();
                case "apache" -> Apache.build();
                case "crt" -> Crt.build();
                default -> throw new IllegalArgumentException("unknown HTTP client " + http);
            });
            client = builder.build();
        }
        long builtNs = System.nanoTime();
        String url = client.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        long calledNs = System.nanoTime();
        StringBuilder line = new StringBuilder("BENCH");
        String spawn = System.getenv("BENCH_SPAWN_MS");
        if (spawn != null) {
            line.append(" boot_ms=").append(mainMs - Long.parseLong(spawn));
        }
        line.append(" init_ms=").append(LambdaLikeMain.ms(builtNs - mainNs))
                .append(" first_invoke_ms=").append(LambdaLikeMain.ms(calledNs - builtNs))
                .append(" url_ok=").append(url.endsWith(queue))
                .append(' ').append(ProcStatus.read());
        System.out.println(line);
        System.out.flush();
        System.exit(0);
    }

    static final class CoreConfigured {
        static SqsClient build() {
            dev.outrigger.core.Env env = dev.outrigger.core.Env.system();
            return dev.outrigger.core.AwsClientConfig.configure(SqsClient.builder(), env, "SQS").build();
        }
    }

    static final class UrlConnection {
        static SdkHttpClient build() {
            return software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(20)).build();
        }
    }

    static final class Apache {
        static SdkHttpClient build() {
            return software.amazon.awssdk.http.apache.ApacheHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(20)).build();
        }
    }

    static final class Crt {
        static SdkHttpClient build() {
            return software.amazon.awssdk.http.crt.AwsCrtHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(2)).build();
        }
    }
}
