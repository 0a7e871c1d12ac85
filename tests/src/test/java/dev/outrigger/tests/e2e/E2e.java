package dev.outrigger.tests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Shared helpers of the end-to-end tests: the repository root, the `aws` CLI, polling with a deadline, queue counts. */
public final class E2e {
    private E2e() {
    }

    static Path root() {
        Path p = Path.of(System.getProperty("outrigger.root", "..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p.resolve("template.yaml"))) {
            throw new IllegalStateException("no template.yaml under " + p + " (set -Doutrigger.root)");
        }
        return p;
    }

    static Path testTemplate() {
        return root().resolve("tests/src/test/resources/e2e/e2e-template.yaml");
    }

    /** The kill tests' template: the real job worker on a short visibility timeout, and a queue nobody polls. */
    static Path durableTemplate() {
        return root().resolve("tests/src/test/resources/e2e/durable-template.yaml");
    }

    /** Polls until the condition holds; fails with the description (and the last state) at the deadline. */
    public static void await(String what, Duration deadline, BooleanSupplier condition) {
        if (!poll(deadline, condition)) {
            throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for: " + what);
        }
    }

    /** Polls until the condition holds or the deadline passes; returns whether it held (for a detailed assertion after). */
    static boolean poll(Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            try {
                Thread.sleep(100);   // polling interval, not a wait for an outcome
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while polling");
            }
        }
        return true;
    }

    /** visible + in flight + delayed. */
    static int total(SqsClient sqs, String url) {
        return counts(sqs, url).values().stream().mapToInt(Integer::intValue).sum();
    }

    static Map<String, Integer> counts(SqsClient sqs, String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return Map.of("visible", Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
                "inFlight", Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)),
                "delayed", Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)));
    }

    /**
     * Runs {@code aws --endpoint-url <endpoint> --output json <args…>} with dummy credentials and returns its parsed
     * stdout (an empty object node for no output). Fails the test with stderr on a non-zero exit.
     */
    static JsonNode aws(URI endpoint, String... args) {
        List<String> cmd = new ArrayList<>(List.of("aws", "--endpoint-url", endpoint.toString(), "--output", "json"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", "dummy");
        env.put("AWS_SECRET_ACCESS_KEY", "dummy");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.remove("AWS_PROFILE");
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        try {
            Process p = pb.start();
            byte[] out;
            byte[] err;
            try (var stdout = p.getInputStream(); var stderr = p.getErrorStream()) {
                out = stdout.readAllBytes();
                err = stderr.readAllBytes();
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("aws " + String.join(" ", args) + ": no exit within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("aws " + String.join(" ", args) + " exited " + p.exitValue() + ": "
                        + new String(err, StandardCharsets.UTF_8));
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("cannot run the aws CLI (is it on PATH?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running aws", e);
        }
    }
}
