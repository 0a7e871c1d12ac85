package dev.outrigger.local.runtime;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to start a {@link LocalRuntime}. Only the template is required:
 * <pre>{@code
 * try (LocalRuntime rt = LocalRuntime.start(RuntimeOptions.builder(Path.of("template.yaml")).port(0).build())) { ... }
 * }</pre>
 *
 * @param port           ElasticMQ port (0 = ephemeral); the emulator uses port+1, or an ephemeral port when port is 0
 * @param envOverrides   variables set on every function after the template and env file (e.g. short backoff in the demo)
 * @param snsForwards    topic (logical id, name or ARN) to HTTP URL
 * @param eventForwards  event bus name to HTTP URL
 * @param pollers        start the SQS event source pollers (false for `invoke`)
 * @param stopGrace      how long close() waits for in-flight invocations before releasing their messages
 */
public record RuntimeOptions(Path template, Map<String, String> parameters, Path envFile, int port, Path dataDir, String region,
                             Map<String, String> envOverrides, Map<String, URI> snsForwards, Map<String, URI> eventForwards,
                             boolean pollers, boolean serviceLoaderExtensions, List<RuntimeExtension> extensions,
                             Duration stopGrace, PrintStream console) {

    public static Builder builder(Path template) {
        return new Builder(template);
    }

    public static final class Builder {
        private final Path template;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private Path envFile;
        private int port = 9324;
        private Path dataDir;
        private String region;
        private final Map<String, String> envOverrides = new LinkedHashMap<>();
        private final Map<String, URI> snsForwards = new LinkedHashMap<>();
        private final Map<String, URI> eventForwards = new LinkedHashMap<>();
        private boolean pollers = true;
        private boolean serviceLoaderExtensions = true;
        private final List<RuntimeExtension> extensions = new ArrayList<>();
        private Duration stopGrace = Duration.ofSeconds(10);
        private PrintStream console = System.out;

        private Builder(Path template) {
            this.template = template;
        }

        public Builder parameter(String key, String value) {
            parameters.put(key, value);
            return this;
        }

        public Builder parameters(Map<String, String> values) {
            parameters.putAll(values);
            return this;
        }

        public Builder envFile(Path file) {
            this.envFile = file;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder env(String key, String value) {
            envOverrides.put(key, value);
            return this;
        }

        public Builder snsForward(String topic, URI url) {
            snsForwards.put(topic, url);
            return this;
        }

        public Builder eventForward(String bus, URI url) {
            eventForwards.put(bus, url);
            return this;
        }

        public Builder pollers(boolean start) {
            this.pollers = start;
            return this;
        }

        /** Whether to also start the RuntimeExtensions found with ServiceLoader (default true). */
        public Builder serviceLoaderExtensions(boolean use) {
            this.serviceLoaderExtensions = use;
            return this;
        }

        public Builder extension(RuntimeExtension extension) {
            extensions.add(extension);
            return this;
        }

        public Builder stopGrace(Duration grace) {
            this.stopGrace = grace;
            return this;
        }

        public Builder console(PrintStream out) {
            this.console = out;
            return this;
        }

        public RuntimeOptions build() {
            return new RuntimeOptions(template, Map.copyOf(parameters), envFile, port, dataDir, region, Map.copyOf(envOverrides),
                    Map.copyOf(snsForwards), Map.copyOf(eventForwards), pollers, serviceLoaderExtensions, List.copyOf(extensions),
                    stopGrace, console);
        }
    }
}
