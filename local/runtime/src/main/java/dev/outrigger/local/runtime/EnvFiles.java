package dev.outrigger.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --env-file}: a dotenv file (KEY=VALUE per line, # comments, optional "export ", optional quotes) applying to
 * every function, or a JSON file in {@code sam local --env-vars} shape:
 * {@code {"Parameters": {...all functions...}, "WorkerFunction": {...one function...}}}.
 *
 * @param all         variables for every function
 * @param perFunction variables by function logical id (applied after {@code all})
 */
public record EnvFiles(Map<String, String> all, Map<String, Map<String, String>> perFunction) {

    public static EnvFiles none() {
        return new EnvFiles(Map.of(), Map.of());
    }

    public Map<String, String> forFunction(String logicalId) {
        Map<String, String> out = new LinkedHashMap<>(all);
        out.putAll(perFunction.getOrDefault(logicalId, Map.of()));
        return out;
    }

    /** Thrown with a message that names the file and line. */
    public static final class EnvFileException extends RuntimeException {
        EnvFileException(String message) {
            super(message);
        }
    }

    public static EnvFiles read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new EnvFileException(file + ": file not found");
        } catch (IOException e) {
            throw new EnvFileException(file + ": cannot read: " + e.getMessage());
        }
        String trimmed = text.stripLeading();
        return trimmed.startsWith("{") ? json(file, text) : dotenv(file, text);
    }

    private static EnvFiles json(Path file, String text) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new EnvFileException(file + ": invalid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, String> all = new LinkedHashMap<>();
        Map<String, Map<String, String>> per = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isObject()) {
                throw new EnvFileException(file + ": " + e.getKey() + " must be an object of variables");
            }
            Map<String, String> vars = new LinkedHashMap<>();
            e.getValue().fields().forEachRemaining(v -> vars.put(v.getKey(), v.getValue().isTextual() ? v.getValue().asText() : v.getValue().toString()));
            if (e.getKey().equals("Parameters")) {
                all.putAll(vars);
            } else {
                per.put(e.getKey(), vars);
            }
        }
        return new EnvFiles(all, per);
    }

    private static EnvFiles dotenv(Path file, String text) {
        Map<String, String> vars = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new EnvFileException(file + ":" + (i + 1) + ": expected KEY=VALUE");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            } else {
                int hash = value.indexOf(" #");
                if (hash >= 0) {
                    value = value.substring(0, hash).strip();
                }
            }
            if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new EnvFileException(file + ":" + (i + 1) + ": '" + key + "' is not a valid variable name");
            }
            vars.put(key, value);
        }
        return new EnvFiles(vars, Map.of());
    }
}
