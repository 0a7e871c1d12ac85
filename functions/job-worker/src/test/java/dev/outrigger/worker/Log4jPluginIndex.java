package dev.outrigger.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.logging.log4j.core.config.plugins.processor.PluginCache;
import org.apache.logging.log4j.core.config.plugins.processor.PluginEntry;
import org.apache.logging.log4j.core.config.plugins.processor.PluginProcessor;

/**
 * Writes the worker's log4j2 plugin index (Log4j2Plugins.dat) from the indexes of its dependencies, keeping only the
 * plugins src/main/log4j/plugins.txt lists (the file says why). Run by the build (pom.xml, process-test-classes)
 * into target/classes, which the shaded jar packs instead of the dependencies' indexes. Fails when a listed plugin
 * is not in any dependency's index, so an upgrade that renames one stops the build instead of the logging.
 *
 * <p>Usage: {@code Log4jPluginIndex <plugins.txt> <output .dat>}.
 */
public final class Log4jPluginIndex {
    private Log4jPluginIndex() {
    }

    public static void main(String[] args) throws IOException {
        Path list = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out.getParent());
        try (OutputStream os = Files.newOutputStream(out)) {
            filtered(dependencyIndexes(), allowlist(list)).writeCache(os);
        }
    }

    /** The plugin indexes inside jars on the class path: the dependencies', never one this build wrote. */
    static List<URL> dependencyIndexes() throws IOException {
        List<URL> jars = new ArrayList<>();
        for (URL url : Collections.list(Thread.currentThread().getContextClassLoader().getResources(PluginProcessor.PLUGIN_CACHE_FILE))) {
            if (url.getProtocol().equals("jar")) {
                jars.add(url);
            }
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException("no " + PluginProcessor.PLUGIN_CACHE_FILE + " in any jar on the class path");
        }
        return jars;
    }

    /** category → names ("*" for all), from the list's "category name" lines. */
    static Map<String, Set<String>> allowlist(Path list) throws IOException {
        Map<String, Set<String>> allowed = new LinkedHashMap<>();
        for (String raw : Files.readAllLines(list)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException(list + ": expected '<category> <plugin name>', got '" + raw + "'");
            }
            allowed.computeIfAbsent(parts[0].toLowerCase(Locale.ROOT), c -> new TreeSet<>()).add(parts[1].toLowerCase(Locale.ROOT));
        }
        return allowed;
    }

    static PluginCache filtered(List<URL> indexes, Map<String, Set<String>> allowed) throws IOException {
        PluginCache all = new PluginCache();
        all.loadCacheFiles(Collections.enumeration(indexes));
        PluginCache kept = new PluginCache();
        for (Map.Entry<String, Set<String>> want : allowed.entrySet()) {
            Map<String, PluginEntry> category = all.getAllCategories().get(want.getKey());
            if (category == null) {
                throw new IllegalStateException("plugin category '" + want.getKey() + "' is in no dependency's index");
            }
            for (String name : want.getValue()) {
                if (name.equals("*")) {
                    kept.getCategory(want.getKey()).putAll(category);
                } else if (category.containsKey(name)) {
                    kept.getCategory(want.getKey()).put(name, category.get(name));
                } else {
                    throw new IllegalStateException("plugin '" + name + "' (" + want.getKey() + ") is in no dependency's index");
                }
            }
        }
        return kept;
    }
}
