package dev.outrigger.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What {@code local up} prints by default: the functions' stdout, where Lambda would see their JSON log lines, with
 * each such line turned into one line a person reads. A job outcome (the worker's line with {@code job_id} and
 * {@code outcome}) becomes {@code time  function  outcome  job id  type  attempt n  reason}; any other JSON log line
 * {@code time  function  LEVEL  message}; EMF metric documents go to a file instead of the console; everything else
 * (the runtime's own messages) passes unchanged. It reads the JSON the functions write, whatever produced it, so it
 * does not depend on a function's packaged logging configuration.
 */
public final class ConsoleLines extends OutputStream {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final PrintStream out;
    private final PrintStream metrics;
    private final ZoneId zone;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    /**
     * @param out     the real console
     * @param metrics where EMF documents go (a file), or null to drop them
     */
    public ConsoleLines(PrintStream out, PrintStream metrics, ZoneId zone) {
        this.out = out;
        this.metrics = metrics;
        this.zone = zone;
    }

    /** A PrintStream over this, for {@link System#setOut}. */
    public PrintStream asPrintStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        if (line.size() > 0) {
            emit();
        }
        flush();
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        String rendered = render(text);
        if (rendered != null) {
            out.println(rendered);
        }
    }

    /** The console form of one line, or null when it goes elsewhere (metrics). */
    String render(String text) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
            return text;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(trimmed);
        } catch (IOException e) {
            return text;
        }
        if (node.has("_aws")) {
            if (metrics != null) {
                metrics.println(trimmed);
            }
            return null;
        }
        if (!node.hasNonNull("level") || !node.has("message")) {
            return text;
        }
        StringBuilder b = new StringBuilder(128);
        b.append(time(node)).append("  ").append(pad(function(node), 28)).append("  ");
        if (node.hasNonNull("job_id") || node.hasNonNull("outcome")) {
            b.append(pad(text(node, "outcome"), 18)).append("  ").append(text(node, "job_id")).append("  ")
                    .append(text(node, "type")).append("  attempt ").append(text(node, "attempt"));
            if (node.hasNonNull("error_class")) {
                b.append("  ").append(node.get("error_class").asText());
            }
            if (node.path("duplicates").asInt(0) > 0) {
                b.append("  (+").append(node.get("duplicates").asInt()).append(" duplicate(s))");
            }
            return b.toString();
        }
        b.append(pad(node.get("level").asText(), 5)).append("  ").append(node.get("message").asText());
        JsonNode error = node.path("error");
        if (error.hasNonNull("name")) {
            b.append(" (").append(error.get("name").asText());
            if (error.hasNonNull("message")) {
                b.append(": ").append(error.get("message").asText());
            }
            b.append(')');
        }
        return b.toString();
    }

    private String time(JsonNode node) {
        JsonNode timestamp = node.get("timestamp");
        try {
            Instant at = timestamp == null ? Instant.now() : Instant.parse(timestamp.asText());
            return TIME.format(at.atZone(zone));
        } catch (DateTimeParseException e) {
            return timestamp.asText();
        }
    }

    /** The function's name as Lambda logs it, else its service; a line of no function is the runtime's (a library). */
    private static String function(JsonNode node) {
        for (String field : new String[] {"function_name", "service"}) {
            if (node.hasNonNull(field) && !node.get(field).asText().isBlank()) {
                return node.get(field).asText();
            }
        }
        return "local";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "-" : value.asText();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
