package dev.outrigger.tests.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code outrigger local up} in a child JVM (this test JVM's java and classpath), on ephemeral ports
 * ({@code --port 0}): the SQS endpoint is read back from the banner. Its output goes to a log file, named in every
 * failure. {@link #kill()} is SIGKILL: no shutdown hook runs, nothing is flushed or released.
 */
final class LocalUpProcess implements AutoCloseable {
    private static final Pattern SQS_ENDPOINT = Pattern.compile("SQS\\b.*?(http://127\\.0\\.0\\.1:\\d+)");
    private static final int SIGKILL_EXIT = 128 + 9;

    private final Process process;
    private final Path log;
    private final CompletableFuture<URI> sqsEndpoint = new CompletableFuture<>();

    private LocalUpProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread.ofPlatform().daemon().name("local-up-output-" + process.pid()).start(this::drainOutput);
    }

    /**
     * Starts {@code local up --template T --port 0 --data-dir D [--param K=V]…} with {@code env} added to this
     * process's environment, and waits (up to {@code startDeadline}) until it has printed its SQS endpoint.
     */
    static LocalUpProcess start(Path template, Path dataDir, Map<String, String> params, Map<String, String> env, Path log,
            Duration startDeadline) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.outrigger.local.cli.OutriggerCli",
                "local", "up", "--template", template.toString(), "--port", "0", "--data-dir", dataDir.toString()));
        params.forEach((k, v) -> cmd.addAll(List.of("--param", k + "=" + v)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        LocalUpProcess up = new LocalUpProcess(pb.start(), log);
        try {
            up.sqsEndpoint.get(startDeadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            up.kill();
            throw new AssertionError("local up did not print its SQS endpoint within " + startDeadline.toSeconds() + " s (alive: "
                    + up.process.isAlive() + "); its output: " + log, e);
        }
        return up;
    }

    URI sqsEndpoint() {
        return sqsEndpoint.join();
    }

    /** An SDK client for the child's ElasticMQ, with no retries: a call the child did not answer is a failure. */
    SqsClient sqsClient() {
        return SqsClient.builder().endpointOverride(sqsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(30)).build())
                .build();
    }

    Path log() {
        return log;
    }

    /** SIGKILL ({@link Process#destroyForcibly()} on Linux) and wait for the exit; returns the exit status (137). */
    int kill() {
        process.destroyForcibly();
        return awaitExit(Duration.ofSeconds(30));
    }

    static int sigkillExit() {
        return SIGKILL_EXIT;
    }

    /** SIGTERM, what Ctrl-C's shutdown hook answers to: pollers stop and release their messages, the servers stop. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                awaitExit(Duration.ofSeconds(30));
            } catch (AssertionError e) {
                process.destroyForcibly();
                throw e;
            }
        }
    }

    private int awaitExit(Duration deadline) {
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("local up (pid " + process.pid() + ") did not exit within " + deadline.toSeconds() + " s; output: " + log);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for local up to exit", e);
        }
    }

    private void drainOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                Matcher m = SQS_ENDPOINT.matcher(line);
                if (!sqsEndpoint.isDone() && m.find()) {
                    out.flush();
                    sqsEndpoint.complete(URI.create(m.group(1)));
                }
            }
        } catch (IOException e) {
            sqsEndpoint.completeExceptionally(new UncheckedIOException(e));
        } finally {
            sqsEndpoint.completeExceptionally(new IllegalStateException("local up exited before printing its SQS endpoint"));
        }
    }
}
