package dev.outrigger.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * moto's server ({@code scripts/moto-server}: python3 with moto, as the test suite uses it) on 127.0.0.1 and a free
 * port, for the AWS APIs the bench's functions call that ElasticMQ does not serve: SNS Publish for the alarm
 * notifier, GetSecretValue for a worker whose signing secret lives in Secrets Manager. It answers with the real wire
 * protocols, so the functions build and call their SDK clients exactly as in AWS. Stops with {@link #close()}.
 */
public final class MotoServer implements AutoCloseable {
    private final Process process;
    private final String endpoint;

    private MotoServer(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts moto, or throws with the reason (no python3, no moto) so the caller can skip the rows that need it. */
    public static MotoServer start(java.nio.file.Path root) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("python3", root.resolve("scripts/moto-server").toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> port = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("PORT ")) {
                        return line.substring(5).trim();
                    }
                    seen.append(line).append('\n');
                }
            } catch (IOException e) {
                seen.append(e);
            }
            throw new IllegalStateException("moto did not start: " + seen.toString().strip());
        });
        try {
            String p = port.get(60, TimeUnit.SECONDS);
            // Keep draining, so moto's request log never fills the pipe.
            Thread.ofVirtual().start(() -> {
                try {
                    while (out.readLine() != null) {
                        // discard
                    }
                } catch (IOException e) {
                    // moto ended
                }
            });
            return new MotoServer(process, "http://127.0.0.1:" + p);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new IOException(e.getCause() != null ? e.getCause().getMessage() : e.toString());
        }
    }

    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
