package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.apache.logging.log4j.core.config.plugins.processor.PluginProcessor;
import org.junit.jupiter.api.Test;

/**
 * The worker ships a log4j2 plugin index cut down to src/main/log4j/plugins.txt ({@link Log4jPluginIndex}). These
 * tests hold it to what the build wrote and show that a job's log lines, through the packaged log4j2.properties
 * and Powertools' JSON layout, come out the same with it as with every plugin of the dependencies.
 */
class Log4jPluginIndexTest {
    private static final Path SHIPPED = Path.of("target/classes", PluginProcessor.PLUGIN_CACHE_FILE);

    @Test
    void theShippedIndex_isTheListAppliedToTheDependenciesIndexes() throws IOException {
        assertThat(SHIPPED).as("written by the build (process-test-classes)").exists();
        ByteArrayOutputStream now = new ByteArrayOutputStream();
        Log4jPluginIndex.filtered(Log4jPluginIndex.dependencyIndexes(), Log4jPluginIndex.allowlist(Path.of("src/main/log4j/plugins.txt")))
                .writeCache(now);
        assertThat(Files.readAllBytes(SHIPPED)).isEqualTo(now.toByteArray());
    }

    @Test
    void jobLogLines_areTheSame_withTheShippedIndex_asWithEveryPlugin() throws Exception {
        List<List<JsonNode>> runs = new ArrayList<>();
        for (boolean shippedIndex : new boolean[] {false, true}) {
            runs.add(linesWith(shippedIndex)); // one call site: the stack traces in the lines match frame for frame
        }
        List<JsonNode> shipped = runs.get(1);
        assertThat(shipped).hasSize(2).isEqualTo(runs.get(0));
        JsonNode ok = shipped.get(0);
        assertThat(ok.path("level").asText()).isEqualTo("INFO");
        assertThat(ok.path("message").asText()).isEqualTo("job succeeded");
        assertThat(ok.path("job_id").asText()).isEqualTo("job-1");
        assertThat(ok.path("attempt").asInt()).isEqualTo(2);
        assertThat(ok.has("function_name")).as("Powertools' fields").isTrue();
        JsonNode failed = shipped.get(1);
        assertThat(failed.path("level").asText()).isEqualTo("ERROR");
        assertThat(failed.path("error").path("name").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(failed.path("error").path("stack").asText()).contains("LogLines.emit");
    }

    /** The JSON lines {@link LogLines#emit} writes in a class loader of its own that sees one kind of index only. */
    private static List<JsonNode> linesWith(boolean shippedIndex) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        String text;
        try (IndexView loader = new IndexView(urls.toArray(URL[]::new), shippedIndex)) {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                text = (String) Class.forName(LogLines.class.getName(), true, loader).getMethod("emit", String.class)
                        .invoke(null, Path.of("target/classes/log4j2.properties").toUri().toString());
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                ObjectNode node = (ObjectNode) Json.MAPPER.readTree(line);
                node.remove("timestamp");
                lines.add(node);
            }
        }
        return lines;
    }

    /** The test class path, with the shipped index only (target/classes) or the dependencies' only (jars). */
    private static final class IndexView extends URLClassLoader {
        private final boolean shippedIndex;

        IndexView(URL[] urls, boolean shippedIndex) {
            super(urls, ClassLoader.getPlatformClassLoader());
            this.shippedIndex = shippedIndex;
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            Enumeration<URL> all = super.getResources(name);
            if (!name.equals(PluginProcessor.PLUGIN_CACHE_FILE)) {
                return all;
            }
            List<URL> kept = new ArrayList<>();
            for (URL url : Collections.list(all)) {
                if (url.getProtocol().equals("jar") != shippedIndex) {
                    kept.add(url);
                }
            }
            return Collections.enumeration(kept);
        }
    }
}
