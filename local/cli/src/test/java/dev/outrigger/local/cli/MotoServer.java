package dev.outrigger.local.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * moto in server mode ({@code python3 -m moto.server}) on 127.0.0.1 and a port the OS picks, with its Step
 * Functions executor on, so executions really run their definitions. Without moto the test is skipped, except
 * under CI=true, where it fails.
 */
final class MotoServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Running on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    static MotoServer start() throws Exception {
        requireMoto();
        Process p = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", "0")
                .redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {   // keep draining, or moto blocks on a full pipe
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("moto.server exited"));
        }, "moto-output");
        reader.setDaemon(true);
        reader.start();
        Integer listening;
        try {
            listening = port.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("moto.server did not say where it listens within 60 s", e);
        }
        MotoServer server = new MotoServer(p, URI.create("http://127.0.0.1:" + listening));
        try {
            server.reset();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Forgets every resource, and runs the definitions (https://docs.getmoto.org/en/latest/docs/services/stepfunctions.html).
     * moto 5.2 fails the second StartExecution after a reset (HTTP 500, "cannot pickle '_thread.RLock'"), so a test
     * resets before each execution it starts.
     */
    void reset() throws IOException, InterruptedException {
        post("/moto-api/reset", "");
        post("/moto-api/config", "{\"stepfunctions\": {\"execute_state_machine\": true}}");
    }

    private void post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("moto " + path + ": " + r.statusCode() + " " + r.body());
        }
    }

    private static void requireMoto() throws Exception {
        Process check = new ProcessBuilder("python3", "-c", "import moto.server").redirectErrorStream(true).start();
        boolean present = check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
        if (!present) {
            check.destroyForcibly();
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but python3 has no moto: install moto 5 for the python3 on PATH");
            }
            Assumptions.abort("python3 with moto is not installed: skipped outside CI");
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
