package dev.outrigger.local.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where published SNS messages / EventBridge events end up locally: printed to the console, appended as one JSON
 * object per line to a file (sns.jsonl, events.jsonl), kept in memory for tests, and optionally POSTed to an HTTP
 * subscriber.
 */
public final class Sink {
    private final String kind;
    private final Path file;
    private final PrintStream console;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<ObjectNode> records = new ArrayList<>();

    Sink(String kind, Path file, PrintStream console) {
        this.kind = kind;
        this.file = file;
        this.console = console;
    }

    public Path file() {
        return file;
    }

    /** Everything recorded since start, oldest first. */
    public synchronized List<ObjectNode> records() {
        return List.copyOf(records);
    }

    synchronized void record(ObjectNode record, String summary) {
        records.add(record);
        console.println("[" + kind + "] " + summary);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Json.MAPPER.writeValueAsString(record) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** POSTs a JSON body; failures are reported on the console, never thrown (the publisher already succeeded). */
    void forward(URI url, String json, String messageType) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "text/plain; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            if (messageType != null) {
                b.header("x-amz-sns-message-type", messageType);
            }
            HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() >= 300) {
                console.println("[" + kind + "] forward to " + url + " answered HTTP " + r.statusCode());
            }
        } catch (IOException e) {
            console.println("[" + kind + "] forward to " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
