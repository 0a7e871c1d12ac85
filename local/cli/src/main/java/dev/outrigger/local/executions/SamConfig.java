package dev.outrigger.local.executions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The few samconfig.toml values {@code deploy start} shares with {@code sam deploy --config-env ENV}: the stack name
 * and region. As SAM reads them, {@code [ENV.deploy.parameters]} wins over {@code [ENV.global.parameters]}.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-config.html
 */
public final class SamConfig {
    private final Path file;
    private final JsonNode root;

    private SamConfig(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /** Reads the file; a file that does not exist reads as empty. */
    public static SamConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            return new SamConfig(file, null);
        }
        try {
            return new SamConfig(file, new TomlMapper().readTree(file.toFile()));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid TOML: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return root != null;
    }

    public Optional<String> stackName(String env) {
        return value(env, "stack_name");
    }

    public Optional<String> region(String env) {
        return value(env, "region");
    }

    private Optional<String> value(String env, String key) {
        if (root == null) {
            return Optional.empty();
        }
        for (String command : new String[] {"deploy", "global"}) {
            JsonNode v = root.path(env).path(command).path("parameters").path(key);
            if (v.isTextual() && !v.textValue().isBlank()) {
                return Optional.of(v.textValue());
            }
        }
        return Optional.empty();
    }
}
