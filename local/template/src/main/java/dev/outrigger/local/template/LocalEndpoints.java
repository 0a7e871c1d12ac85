package dev.outrigger.local.template;

import java.net.URI;

/**
 * Where the local stand-ins for AWS live, and the identity the template's pseudo parameters resolve to.
 *
 * @param sqs       ElasticMQ, e.g. http://127.0.0.1:9324 (queue URLs are {@code <sqs>/<accountId>/<name>})
 * @param emulator  the runtime's HTTP endpoint for SNS, EventBridge and the other small emulated APIs
 */
public record LocalEndpoints(URI sqs, URI emulator, String region, String accountId) {
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String ACCOUNT_ID = "000000000000";

    public static LocalEndpoints defaults() {
        return of(9324, 9325, DEFAULT_REGION);
    }

    public static LocalEndpoints of(int sqsPort, int emulatorPort, String region) {
        return new LocalEndpoints(URI.create("http://127.0.0.1:" + sqsPort), URI.create("http://127.0.0.1:" + emulatorPort),
                region == null ? DEFAULT_REGION : region, ACCOUNT_ID);
    }

    public String queueUrl(String queueName) {
        return strip(sqs) + "/" + accountId + "/" + queueName;
    }

    public String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + region + ":" + accountId + ":" + resource;
    }

    private static String strip(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
